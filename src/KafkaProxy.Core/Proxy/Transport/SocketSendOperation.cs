using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace KafkaProxy.Core.Proxy.Transport;

/// <summary>
/// One socket's sends, one at a time, awaited without allocating: a reused <see cref="SocketAsyncEventArgs"/> that is its
/// own <see cref="IValueTaskSource{TResult}"/>. A send of several buffers leaves in one system call (a gather write), and
/// the socket keeps sending until every byte is out or it fails.
/// </summary>
internal sealed class SocketSendOperation : SocketAsyncEventArgs, IValueTaskSource<int>
{
    private ManualResetValueTaskSourceCore<int> _source = new() { RunContinuationsAsynchronously = true };

    public SocketSendOperation()
        : base(unsafeSuppressExecutionContextFlow: true)
    {
    }

    /// <summary>Sends <paramref name="buffers"/>, which must stay untouched until the returned task completes.</summary>
    public ValueTask<int> SendAsync(Socket socket, List<ArraySegment<byte>> buffers)
    {
        if (buffers.Count == 1)
        {
            BufferList = null;
            SetBuffer(buffers[0].AsMemory());
        }
        else
        {
            SetBuffer(null, 0, 0);
            BufferList = buffers;
        }

        _source.Reset();
        if (socket.SendAsync(this))
        {
            return new ValueTask<int>(this, _source.Version);
        }

        // Done at once, the common case while the peer keeps reading.
        return SocketError == SocketError.Success
            ? new ValueTask<int>(BytesTransferred)
            : ValueTask.FromException<int>(new SocketException((int)SocketError));
    }

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        if (SocketError == SocketError.Success)
        {
            _source.SetResult(BytesTransferred);
        }
        else
        {
            _source.SetException(new SocketException((int)SocketError));
        }
    }

    int IValueTaskSource<int>.GetResult(short token) => _source.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _source.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _source.OnCompleted(continuation, state, token, flags);
}
