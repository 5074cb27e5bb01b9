using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Proxy.Transport;

/// <summary>
/// The writer of a plain TCP connection (no TLS, no chaos toxics): bytes that pass through are queued as references to
/// the reader's buffer, not copied, and each flush sends everything queued in one gather write straight to the socket.
/// Bytes the proxy writes itself (rewritten frames, its own answers and requests) go into blocks rented for the flush.
/// A reference stays valid only while its reader has not been advanced past it: the pumps flush before they advance.
/// </summary>
#pragma warning disable CA1001 // A PipeWriter's end is Complete, which disposes the send operation (as Complete ends any writer).
internal sealed class SocketFrameWriter(Socket socket) : PipeWriter, IPassThroughWriter
#pragma warning restore CA1001
{
    private const int BlockSize = 4096;
    // Beyond this many buffers in one send, pass-through bytes are copied into blocks instead: sendmsg takes at most
    // IOV_MAX (1024) of them, and a copy of a few small frames costs less than a longer scatter list.
    private const int MaxReferences = 64;

    private SocketSendOperation? _send; // made on the first send: a connection that never sends holds none
    private readonly List<ArraySegment<byte>> _queued = [];
    private readonly List<byte[]> _blocks = [];
    private byte[]? _block;
    private int _blockUsed;
    private bool _completed;

    /// <summary>
    /// Queues <paramref name="bytes"/> without copying them; they must stay untouched until the next flush completes.
    /// </summary>
    public void WriteReference(in ReadOnlySequence<byte> bytes)
    {
        foreach (var memory in bytes)
        {
            if (memory.IsEmpty)
            {
                continue;
            }

            if (_queued.Count < MaxReferences && MemoryMarshal.TryGetArray(memory, out var segment))
            {
                Queue(segment);
            }
            else
            {
                this.Write(memory.Span);
            }
        }
    }

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        int needed = Math.Max(sizeHint, 1);
        if (_block is null || _block.Length - _blockUsed < needed)
        {
            _block = ArrayPool<byte>.Shared.Rent(Math.Max(needed, BlockSize));
            _blocks.Add(_block);
            _blockUsed = 0;
        }

        return _block.AsMemory(_blockUsed);
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override void Advance(int bytes)
    {
        if (bytes == 0)
        {
            return;
        }

        if (_block is null || bytes < 0 || _blockUsed + bytes > _block.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "Advanced past the memory that GetMemory returned.");
        }

        Queue(new ArraySegment<byte>(_block, _blockUsed, bytes));
        _blockUsed += bytes;
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        // The token is not observed: a send in progress ends only when its bytes are out or the socket is closed
        // (the engine's WriteTimeout closes it).
        if (_queued.Count == 0)
        {
            return ValueTask.FromResult(default(FlushResult));
        }

        ValueTask<int> sending;
        try
        {
            sending = (_send ??= new SocketSendOperation()).SendAsync(socket, _queued);
        }
        catch
        {
            Release();
            throw;
        }

        if (sending.IsCompleted)
        {
            try
            {
                sending.GetAwaiter().GetResult();
            }
            finally
            {
                Release();
            }

            return ValueTask.FromResult(default(FlushResult));
        }

        return AwaitSendAsync(sending);
    }

    public override void CancelPendingFlush()
    {
        // Nothing to cancel but the send itself, which only closing the socket ends.
    }

    // Completing does not send what is queued: the connection is over and its readers, which references point into,
    // are completed first.
    public override void Complete(Exception? exception = null)
    {
        _completed = true;
        Release();
        _send?.Dispose(); // a send still in progress (the socket was closed under it) ends first
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))] // a send that waits allocates nothing
    private async ValueTask<FlushResult> AwaitSendAsync(ValueTask<int> sending)
    {
        try
        {
            await sending.ConfigureAwait(false);
        }
        finally
        {
            Release();
        }

        return default;
    }

    private void Queue(ArraySegment<byte> segment)
    {
        if (_queued.Count > 0)
        {
            var last = _queued[^1];
            if (ReferenceEquals(last.Array, segment.Array) && last.Offset + last.Count == segment.Offset)
            {
                _queued[^1] = new ArraySegment<byte>(last.Array!, last.Offset, last.Count + segment.Count);
                return;
            }
        }

        _queued.Add(segment);
    }

    // After a send: nothing is queued, and the blocks go back to the pool, so an idle connection holds none.
    private void Release()
    {
        _queued.Clear();
        foreach (var block in _blocks)
        {
            ArrayPool<byte>.Shared.Return(block);
        }

        _blocks.Clear();
        _block = null;
        _blockUsed = 0;
    }
}
