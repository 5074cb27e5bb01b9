using System.Net;
using System.Net.Sockets;
using KafkaProxy.Core.Proxy.Transport;

namespace KafkaProxy.Core.Tests.Proxy.Transport;

public sealed class SocketReadStreamTests
{
    [Fact]
    public async Task ZeroByteRead_AfterAReadThatFilledItsBuffer_ReturnsAtOnceWithNothingWaiting()
    {
        var (reading, writing) = await ConnectedPairAsync();
        using var _ = reading;
        using var __ = writing;
        using var stream = new SocketReadStream(reading);
        await writing.SendAsync(new byte[8]);

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
        var (reading, writing) = await ConnectedPairAsync();
        using var _ = reading;
        using var __ = writing;
        using var stream = new SocketReadStream(reading);
        await writing.SendAsync(new byte[3]);
        Assert.Equal(3, await stream.ReadAsync(new byte[8]));

        var wait = stream.ReadAsync(Memory<byte>.Empty).AsTask();
        Assert.False(wait.IsCompleted);
        await writing.SendAsync(new byte[] { 42 });
        Assert.Equal(0, await wait.WaitAsync(TimeSpan.FromSeconds(30)));

        // Once skipped, the next wait after a short read waits again.
        var one = new byte[8];
        Assert.Equal(1, await stream.ReadAsync(one));
        Assert.Equal(42, one[0]);
    }

    private static async Task<(Socket Reading, Socket Writing)> ConnectedPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var writing = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await writing.ConnectAsync(listener.LocalEndPoint!);
        return (await listener.AcceptAsync(), writing);
    }
}
