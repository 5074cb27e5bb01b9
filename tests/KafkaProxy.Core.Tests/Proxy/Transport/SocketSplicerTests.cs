using System.Net.Sockets;
using KafkaProxy.Core.Proxy.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace KafkaProxy.Core.Tests.Proxy.Transport;

/// <summary>
/// The in-kernel mover between two real loopback connections: "client" sends into the proxy's client-side socket, the
/// splicer moves bytes to the proxy's broker-side socket, "broker" receives them. The mover is Linux's, as the CI is.
/// </summary>
public sealed class SocketSplicerTests : IAsyncLifetime, IDisposable
{
    private SocketPair _client = null!; // Sender: the client; Receiver: the proxy's end
    private SocketPair _broker = null!; // Sender: the proxy's end; Receiver: the broker
    private readonly KernelPipePool _pipes = new(cap: 2);
    private readonly Progress _progress = new();
    private SocketReadStream? _clientStream;

    public async Task InitializeAsync()
    {
        _client = await SocketPair.OpenAsync();
        _broker = await SocketPair.OpenAsync();
        // The proxy's ends have been read and written asynchronously by the time it splices: their descriptors no longer block.
        await _client.Receiver.SendAsync(Array.Empty<byte>());
        await _broker.Sender.SendAsync(Array.Empty<byte>());
    }

    public Task DisposeAsync()
    {
        _client?.Dispose();
        _broker?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _clientStream?.Dispose();
        _pipes.Dispose();
    }

    [Fact]
    public async Task Move_AFrameArrivingInPieces_ArrivesWholeAndInOrderAndTheNextFrameStaysInTheSocket()
    {
        byte[] frame = Bytes(3 << 20, seed: 1);
        byte[] next = Bytes(100, seed: 2);
        var sending = SendInPiecesAsync(_client.Sender, [.. frame, .. next], piece: 200_000);

        long moved = await Splicer().MoveAsync(frame.Length);

        Assert.Equal(frame.Length, moved);
        Assert.Equal(frame.Length, _progress.Moved);
        Assert.Equal(frame, await _broker.ReceiveAsync(frame.Length));
        await sending;
        Assert.Equal(next, await SocketPair.ReceiveExactlyAsync(_client.Receiver, next.Length)); // not one byte of it taken
        Assert.True(_progress.Arrivals > 1, "each piece counts as traffic for the idle deadline");
        Assert.Equal(0, _progress.WaitingSends);
        Assert.Equal(0, _broker.Receiver.Available);
    }

    [Fact]
    public async Task Move_ABrokerThatDoesNotRead_WaitsUnderTheWriteDeadlineAndEndsWhenItReads()
    {
        // 32 MiB cannot fit the two sockets' buffers and the pipe: the rest waits, as a send would, with the write deadline's stamp on.
        byte[] frame = Bytes(32 << 20, seed: 3);
        var sending = _client.Sender.SendAsync(frame);

        var moving = Splicer().MoveAsync(frame.Length).AsTask();
        var waitedUntil = DateTime.UtcNow.AddSeconds(30);
        while (_progress.WaitingSends != 1 && DateTime.UtcNow < waitedUntil)
        {
            await Task.Delay(10);
        }

        Assert.Equal(1, _progress.WaitingSends); // the move waits for the broker with the write deadline's stamp on
        Assert.False(moving.IsCompleted);

        Assert.Equal(frame, await _broker.ReceiveAsync(frame.Length));
        Assert.Equal(frame.Length, await moving);
        Assert.Equal(frame.Length, _progress.Moved); // the bytes the socket engine sent count too
        await sending;
        Assert.Equal(0, _progress.WaitingSends);
        Assert.True(_progress.SendsWaited >= 1);
    }

    [Fact]
    public async Task Move_TheClientClosesHalfWay_ReturnsWhatCameAndThePipeGoesBackEmpty()
    {
        byte[] part = Bytes(100_000, seed: 4);
        await _client.Sender.SendAsync(part);
        _client.Sender.Shutdown(SocketShutdown.Send);

        long moved = await Splicer().MoveAsync(1 << 20);

        Assert.Equal(part.Length, moved);
        Assert.Equal(part, await _broker.ReceiveAsync(part.Length));
        Assert.Equal(0, await _client.Receiver.ReceiveAsync(new byte[1])); // the end is still there for the reader
        Assert.NotNull(_pipes.TryRent()); // both pipes free: the one used went back
        Assert.NotNull(_pipes.TryRent());
    }

    [Fact]
    public async Task Move_WaitingForTheClient_HoldsNoPipe()
    {
        var pool = new KernelPipePool(cap: 1);
        var splicer = new SocketSplicer(pool, _clientStream = new SocketReadStream(_client.Receiver), _broker.Sender, _progress, toClient: false, NullLogger.Instance);
        byte[] frame = Bytes(200_000, seed: 7);

        var moving = splicer.MoveAsync(frame.Length).AsTask();
        await Task.Delay(100);
        Assert.False(moving.IsCompleted); // nothing sent yet: it waits
        var lent = pool.TryRent();
        Assert.NotNull(lent); // the one pipe is free while it waits
        pool.Return(lent, empty: true);

        await _client.Sender.SendAsync(frame);
        Assert.Equal(frame, await _broker.ReceiveAsync(frame.Length));
        Assert.Equal(frame.Length, await moving.WaitAsync(TimeSpan.FromSeconds(30)));
        pool.Dispose();
    }

    [Fact]
    public async Task Move_AnUrgentByte_EndsTheMoveThereInsteadOfSpinning()
    {
        // splice stops at TCP's urgent mark and answers "try again" while the socket reports data: the move must hand
        // the rest to the reader (whose receive skips the urgent byte) instead of looping on the sender's thread.
        byte[] before = Bytes(40_000, seed: 8);
        byte[] after = Bytes(50_000, seed: 9);
        await _client.Sender.SendAsync(before);
        _client.Sender.Send([0x55], SocketFlags.OutOfBand);
        await _client.Sender.SendAsync(after);
        await Task.Delay(100);

        long moved = await Splicer().MoveAsync(before.Length + 1 + after.Length).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.InRange(moved, 1, before.Length);
        Assert.Equal(before.AsSpan(0, (int)moved).ToArray(), await _broker.ReceiveAsync((int)moved));
    }

    [Fact]
    public async Task Move_AfterAReadThatFilledTheBuffer_TheReaderWaitsWithoutABufferAgain()
    {
        var stream = _clientStream = new SocketReadStream(_client.Receiver);
        await _client.Sender.SendAsync(Bytes(1000 + 100_000, seed: 10));
        await Task.Delay(100);
        Assert.Equal(1000, await stream.ReadAsync(new byte[1000])); // filled: the next zero-byte wait would be skipped

        Assert.Equal(100_000, await Splicer().MoveAsync(100_000));

        var waiting = stream.ReadAsync(Memory<byte>.Empty).AsTask();
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted); // a real zero-byte wait: nothing is left in the socket
        await _client.Sender.SendAsync(new byte[] { 1 });
        Assert.Equal(0, await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Move_ASocketWhoseDescriptorStillBlocks_MovesNothingInsteadOfBlockingTheThread()
    {
        using var fresh = await SocketPair.OpenAsync(); // its accepted end has seen no asynchronous operation
        using var stream = new SocketReadStream(fresh.Receiver);
        var splicer = new SocketSplicer(_pipes, stream, _broker.Sender, _progress, toClient: false, NullLogger.Instance);

        var moving = splicer.MoveAsync(1000).AsTask();

        Assert.True(moving.IsCompleted);
        Assert.Equal(0, await moving);
    }

    [Fact]
    public async Task Move_NoPipeFree_MovesNothing()
    {
        using var first = _pipes.TryRent();
        using var second = _pipes.TryRent();
        Assert.NotNull(second);
        await _client.Sender.SendAsync(Bytes(1000, seed: 5));

        Assert.Equal(0, await Splicer().MoveAsync(1000));
        Assert.Equal(Bytes(1000, seed: 5), await SocketPair.ReceiveExactlyAsync(_client.Receiver, 1000)); // left for the reader
    }

    [Fact]
    public async Task Move_TheBrokerClosed_FailsAsAnIOExceptionAndThePipeIsClosedNotReused()
    {
        _broker.Receiver.Close();
        var sending = _client.Sender.SendAsync(Bytes(8 << 20, seed: 6));

        var error = await Record.ExceptionAsync(async () =>
        {
            for (int i = 0; i < 64; i++)
            {
                // The first sends may still land in the socket's buffer; a closed peer answers with a reset soon after.
                await Splicer().MoveAsync(128 * 1024);
            }
        });

        Assert.True(error is IOException or SocketException, $"{error}");
        _client.Sender.Close();
        await Record.ExceptionAsync(() => sending);
    }

    [Fact]
    public async Task Move_TheBrokerGoesAwayHalfWay_FailsAndHasCountedWhatItMoved()
    {
        byte[] frame = Bytes(32 << 20, seed: 7);
        var sending = _client.Sender.SendAsync(frame);
        var moving = Splicer().MoveAsync(frame.Length).AsTask();
        byte[] first = await _broker.ReceiveAsync(1 << 20);
        _broker.Receiver.Close(); // with bytes unread: a reset

        var error = await Record.ExceptionAsync(() => moving.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.True(error is IOException or SocketException, $"{error}");
        Assert.Equal(frame[..first.Length], first);
        Assert.InRange(_progress.Moved, first.Length, frame.Length - 1); // counted as it went, not lost with the failure
        _client.Sender.Close();
        await Record.ExceptionAsync(() => sending);
    }

    [Fact]
    public void Pool_ADirtyPipeIsClosed_AndMakesRoomForANewOne()
    {
        var pool = new KernelPipePool(cap: 1);
        var pipe = pool.TryRent();
        Assert.NotNull(pipe);
        Assert.Null(pool.TryRent()); // at its cap

        pool.Return(pipe, empty: false); // may hold bytes: closed
        var fresh = pool.TryRent();
        Assert.NotNull(fresh);
        Assert.NotSame(pipe, fresh);
        Assert.True(fresh.Capacity >= 64 * 1024);
        pool.Return(fresh, empty: true);
        Assert.Same(fresh, pool.TryRent()); // an empty one is lent again
        pool.Dispose();
    }

    private SocketSplicer Splicer() => new(_pipes, _clientStream ??= new SocketReadStream(_client.Receiver), _broker.Sender, _progress, toClient: false, NullLogger.Instance);

    private static async Task SendInPiecesAsync(Socket socket, byte[] bytes, int piece)
    {
        for (int at = 0; at < bytes.Length; at += piece)
        {
            await socket.SendAsync(bytes.AsMemory(at, Math.Min(piece, bytes.Length - at)));
            await Task.Delay(5);
        }
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private sealed class Progress : ISpliceProgress
    {
        private int _arrivals;
        private int _waiting;
        private int _waited;
        private long _moved;

        public int Arrivals => Volatile.Read(ref _arrivals);

        public int WaitingSends => Volatile.Read(ref _waiting);

        public int SendsWaited => Volatile.Read(ref _waited);

        public long Moved => Interlocked.Read(ref _moved);

        public void Arrived(bool toClient)
        {
            Assert.False(toClient);
            Interlocked.Increment(ref _arrivals);
        }

        void ISpliceProgress.Moved(bool toClient, long bytes)
        {
            Assert.False(toClient);
            Assert.True(bytes > 0);
            Interlocked.Add(ref _moved, bytes);
        }

        public void SendWaiting(bool toClient, bool waiting)
        {
            Assert.False(toClient);
            if (waiting)
            {
                Interlocked.Increment(ref _waiting);
                Interlocked.Increment(ref _waited);
            }
            else
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
    }
}
