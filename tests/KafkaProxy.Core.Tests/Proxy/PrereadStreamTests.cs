using KafkaProxy.Core.Proxy;

namespace KafkaProxy.Core.Tests.Proxy;

public sealed class PrereadStreamTests
{
    [Fact]
    public async Task ReadAsync_PrereadBytesThenInner_ReturnsBothInOrder()
    {
        await using var stream = new PrereadStream(new byte[] { 1, 2, 3 }, new MemoryStream([4, 5]));
        var buffer = new byte[2];

        Assert.Equal(2, await stream.ReadAsync(buffer));
        Assert.Equal([1, 2], buffer);
        Assert.Equal(1, await stream.ReadAsync(buffer));
        Assert.Equal(3, buffer[0]);
        Assert.Equal(2, await stream.ReadAsync(buffer));
        Assert.Equal([4, 5], buffer);
    }

    // SslStream waits for data with a zero-byte read: with the ClientHello already read, the inner stream has nothing
    // more until the server answers, so passing the wait through hung the handshake of a shared SNI listener.
    [Fact]
    public async Task ReadAsync_ZeroBytesWhilePrereadBytesWait_ReturnsAtOnceWithoutReadingInner()
    {
        await using var stream = new PrereadStream(new byte[] { 1 }, new BlockingStream());

        var read = stream.ReadAsync(Memory<byte>.Empty);

        Assert.True(read.IsCompleted);
        Assert.Equal(0, await read);
    }

    private sealed class BlockingStream : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => 0, TaskScheduler.Default));
    }
}
