using KafkaProxy.Core.Proxy.Transport;

namespace KafkaProxy.Core.Tests.Proxy.Transport;

public sealed class SocketReadStreamTests
{
    [Fact]
    public async Task ZeroByteRead_AfterAReadThatFilledItsBuffer_ReturnsAtOnceWithNothingWaiting()
    {
        using var pair = await SocketPair.OpenAsync();
        using var stream = new SocketReadStream(pair.Receiver);
        await pair.Sender.SendAsync(new byte[8]);

        var buffer = new byte[8];
        await stream.ReadExactlyAsync(buffer);

        // Nothing more was sent: the socket's own zero-byte read would wait for bytes that never come.
        var wait = stream.ReadAsync(Memory<byte>.Empty).AsTask();
        Assert.True(wait.IsCompletedSuccessfully);
        Assert.Equal(0, await wait);
    }

    [Fact]
    public async Task ZeroByteRead_AfterAShortRead_WaitsForTheNextBytes()
    {
        using var pair = await SocketPair.OpenAsync();
        using var stream = new SocketReadStream(pair.Receiver);
        await pair.Sender.SendAsync(new byte[3]);
        Assert.Equal(3, await stream.ReadAsync(new byte[8]));

        var wait = stream.ReadAsync(Memory<byte>.Empty).AsTask();
        Assert.False(wait.IsCompleted);
        await pair.Sender.SendAsync(new byte[] { 42 });
        Assert.Equal(0, await wait.WaitAsync(TimeSpan.FromSeconds(30)));

        // Once skipped, the next wait after a short read waits again.
        var one = new byte[8];
        Assert.Equal(1, await stream.ReadAsync(one));
        Assert.Equal(42, one[0]);
    }
}
