using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace KafkaProxy.Core.Proxy.Transport;

/// <summary>
/// The stream a connection's pipe reader reads a plain TCP socket through. The reader waits for bytes with a zero-byte
/// read, so that an idle connection holds no buffer; after a read that filled its whole buffer more bytes are almost
/// surely waiting, so that wait is skipped and the next read goes straight for them (one system call instead of two
/// per read of a bulk transfer, a big Produce request or Fetch response). Should the peer fall silent just then, that
/// one read holds its buffer until the next bytes come.
/// </summary>
internal sealed class SocketReadStream(Socket socket) : NetworkStream(socket, ownsSocket: false)
{
    private bool _lastReadFilled;

    /// <summary>The socket read, which the connection's writer sends on too.</summary>
    public Socket Connection => Socket;

    /// <summary>
    /// Bytes were taken from the socket behind the reader's back (moved inside the kernel): whether they filled its last
    /// read says nothing about what is waiting now, so the next wait is a zero-byte one again.
    /// </summary>
    public void ForgetFill() => _lastReadFilled = false;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            if (_lastReadFilled)
            {
                _lastReadFilled = false;
                return ValueTask.FromResult(0);
            }

            return base.ReadAsync(buffer, cancellationToken);
        }

        var reading = base.ReadAsync(buffer, cancellationToken);
        if (reading.IsCompletedSuccessfully)
        {
            int read = reading.Result;
            _lastReadFilled = read == buffer.Length;
            return ValueTask.FromResult(read);
        }

        return NoteAsync(reading, buffer.Length);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> NoteAsync(ValueTask<int> reading, int length)
    {
        int read = await reading.ConfigureAwait(false);
        _lastReadFilled = read == length;
        return read;
    }
}
