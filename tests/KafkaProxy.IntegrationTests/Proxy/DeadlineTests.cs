using System.Buffers;
using System.Net;
using System.Net.Sockets;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Protocol.Primitives;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace KafkaProxy.IntegrationTests.Proxy;

/// <summary>Deadlines on a fake clock: the test moves time; the engine's one-second timer fires as it passes.</summary>
public sealed class DeadlineTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task IdleTimeout_SilentConnection_IsClosedOnceTheClockPassesIt()
    {
        await using var proxied = await ProxiedCluster.StartAsync(configure: o => o.IdleTimeout = TimeSpan.FromSeconds(10), time: _time);
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var client = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        await client.SendAsync(18, 0, false, _ => { });

        _time.Advance(TimeSpan.FromSeconds(9));
        await client.SendAsync(18, 0, false, _ => { });
        _time.Advance(TimeSpan.FromSeconds(11));

        await AssertClosedAsync(client.Stream.Socket);
        Assert.Contains(proxied.Logs.Lines, l => l.Contains("idle for 00:00:10 (IdleTimeout)", StringComparison.Ordinal));
        await Eventually.TrueAsync(() => proxied.Engine.OpenConnections == 0, () => $"{proxied.Engine.OpenConnections} open");
    }

    [Fact]
    public async Task UpstreamReadTimeout_BrokerSilentPastTheLimit_ConnectionClosedWithReason()
    {
        await using var proxied = await ProxiedCluster.StartAsync(configure: o => o.UpstreamReadTimeout = TimeSpan.FromSeconds(5), time: _time);
        proxied.Cluster.SetBrokerLatency(1, TimeSpan.FromSeconds(20));
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var client = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        var request = client.SendAsync(18, 0, false, _ => { });
        await AdvanceUntilAsync(() => request.IsCompleted, proxied.Logs);

        await Assert.ThrowsAnyAsync<IOException>(() => request);
        Assert.Contains(proxied.Logs.Lines, l => l.Contains("the broker sent nothing for 00:00:05 (UpstreamReadTimeout) with 1 requests waiting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpstreamReadTimeout_FirstRequestAfterAQuietSpellLongerThanTheLimit_IsNotTimedOutAtOnce()
    {
        // The read timeout counted from the broker's last answer: a connection quiet for longer than the limit was
        // closed at the next tick after its next request, however fast the broker was.
        await using var proxied = await ProxiedCluster.StartAsync(configure: o => o.UpstreamReadTimeout = TimeSpan.FromSeconds(5), time: _time);
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var client = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        await client.SendAsync(18, 0, false, _ => { });
        // The client can hold the answer before the proxy's write of it has ended: a minute passing in between would be
        // a write stalled for a minute (WriteTimeout), not the quiet spell this test is about.
        await Eventually.TrueAsync(() => !proxied.Engine.AnyConnectionWriting, () => "the proxy's write of the first answer did not end");
        _time.Advance(TimeSpan.FromMinutes(1));
        proxied.Cluster.SetBrokerLatency(1, TimeSpan.FromSeconds(2));

        var request = client.SendAsync(18, 0, false, _ => { });
        for (int i = 0; i < 4 && !request.IsCompleted; i++)
        {
            await Task.WhenAny(request, Task.Delay(300)); // paces the ticks over the broker's latency
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        byte[] body = await request;
        Assert.Equal(0, body[0] << 8 | body[1]);
        Assert.DoesNotContain(proxied.Logs.Lines, l => l.Contains("(UpstreamReadTimeout)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpstreamReadTimeout_BrokerFasterThanTheLimit_RequestsSucceed()
    {
        await using var proxied = await ProxiedCluster.StartAsync(configure: o => o.UpstreamReadTimeout = TimeSpan.FromSeconds(5), time: _time);
        proxied.Cluster.SetBrokerLatency(1, TimeSpan.FromMilliseconds(300));
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var client = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        for (int i = 0; i < 3; i++)
        {
            var request = client.SendAsync(18, 0, false, _ => { });
            await Task.WhenAny(request, Task.Delay(100));
            _time.Advance(TimeSpan.FromSeconds(4)); // while the request waits, below the limit
            await request;
        }
    }

    [Fact]
    public async Task WriteTimeout_ClientStopsReadingWhileItsRequestsStillFlow_ConnectionClosed()
    {
        // Both pumps shared one write stamp: each finished write toward the broker cleared the stamp of the write toward
        // a client that had stopped reading, so WriteTimeout never fired while the client's requests still flowed.
        await using var proxied = await ProxiedCluster.StartAsync(configure: o =>
        {
            o.WriteTimeout = TimeSpan.FromSeconds(5);
            o.ListenerSockets.SendBufferSize = 4096;
        }, time: _time);
        var listener = proxied.Engine.Listeners[0].Advertised;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(listener.Host, listener.Port);
        var requests = new ArrayBufferWriter<byte>();
        for (int i = 0; i < 2000; i++)
        {
            requests.WriteInt32(10);      // size
            requests.WriteInt16(18);      // ApiVersions
            requests.WriteInt16(0);       // v0
            requests.WriteInt32(i);       // correlation id
            requests.WriteInt16(-1);      // null client id
        }

        // Never read: the answers fill the client's and the proxy's socket buffers until the proxy's write blocks.
        await socket.SendAsync(requests.WrittenMemory);
        await AdvanceUntilAsync(() => proxied.Logs.Lines.Any(l => l.Contains("(WriteTimeout)", StringComparison.Ordinal)), proxied.Logs);

        Assert.Contains(proxied.Logs.Lines, l => l.Contains("a write to the client blocked for more than 00:00:05 (WriteTimeout)", StringComparison.Ordinal));
        await Eventually.TrueAsync(() => proxied.Engine.OpenConnections == 0, () => $"{proxied.Engine.OpenConnections} open");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WriteTimeout_BrokerStopsReadingInTheMiddleOfABigRequest_ConnectionClosed(bool forwardInKernel)
    {
        // A 4 MiB request: past its first read, in the kernel (splice) unless turned off. The broker reads none of it, so
        // the move toward it waits for room; the write deadline must see that wait and end the connection.
        await using var through = await ConnectThroughAsync(o =>
        {
            o.ForwardInKernel = forwardInKernel;
            o.WriteTimeout = TimeSpan.FromSeconds(5);
            o.UpstreamSockets.SendBufferSize = 64 * 1024;
        });

        _ = through.Client.SendAsync(BigProduceRequest(4 << 20)); // may stall too, once every buffer on the way is full
        // The clock moves only once the proxy's write toward the broker waits: earlier, a dial not yet seen through could
        // run out of its own (fake) time instead.
        await Eventually.TrueAsync(() => through.Proxy.AnyConnectionWriting, () => $"the proxy never waited to write\n{through.Logs}");
        await AdvanceUntilAsync(() => through.Logs.Lines.Any(l => l.Contains("(WriteTimeout)", StringComparison.Ordinal)), through.Logs);

        Assert.Contains(through.Logs.Lines, l => l.Contains("a write to the broker blocked for more than 00:00:05 (WriteTimeout)", StringComparison.Ordinal));
        await Eventually.TrueAsync(() => through.Proxy.OpenConnections == 0, () => $"{through.Proxy.OpenConnections} open");
        await AssertClosedAsync(through.Client);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task IdleTimeout_ClientFallsSilentInTheMiddleOfABigRequest_ConnectionClosed(bool forwardInKernel)
    {
        // The client sends the first 512 KiB of a 4 MiB request and nothing more: the move (or the reader) waits for the
        // rest, and the idle deadline must still end the connection.
        await using var through = await ConnectThroughAsync(o =>
        {
            o.ForwardInKernel = forwardInKernel;
            o.IdleTimeout = TimeSpan.FromSeconds(10);
        });
        byte[] request = BigProduceRequest(4 << 20);
        const int Sent = 512 * 1024;
        await through.Client.SendAsync(request.AsMemory(0, Sent));

        // Everything sent reaches the broker before the clock moves: the connection was busy until then.
        var received = new byte[Sent];
        int total = 0;
        while (total < Sent)
        {
            int read = await through.Broker.ReceiveAsync(received.AsMemory(total)).AsTask().WaitAsync(Clients.Patience);
            Assert.True(read > 0, $"the broker's connection ended after {total} bytes\n{through.Logs}");
            total += read;
        }

        Assert.True(request.AsSpan(0, Sent).SequenceEqual(received), "the broker received what the client sent");
        _time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(50);
        Assert.Equal(1, through.Proxy.OpenConnections);
        await AdvanceUntilAsync(() => through.Logs.Lines.Any(l => l.Contains("(IdleTimeout)", StringComparison.Ordinal)), through.Logs);

        Assert.Contains(through.Logs.Lines, l => l.Contains("idle for 00:00:10 (IdleTimeout)", StringComparison.Ordinal));
        await Eventually.TrueAsync(() => through.Proxy.OpenConnections == 0, () => $"{through.Proxy.OpenConnections} open");
        await AssertClosedAsync(through.Broker); // the broker's side too
    }

    // A Produce v7 request frame of the given size: a valid start (header, no transactional id, acks -1, timeout), then
    // random bytes the proxy forwards without reading.
    private static byte[] BigProduceRequest(int size)
    {
        var frame = new byte[size];
        new Random(18).NextBytes(frame);
        var prefix = new ArrayBufferWriter<byte>();
        prefix.WriteInt32(size - 4);
        prefix.WriteInt16(0);      // Produce
        prefix.WriteInt16(7);      // v7
        prefix.WriteInt32(1);      // correlation id
        prefix.WriteInt16(-1);     // null client id
        prefix.WriteInt16(-1);     // null transactional id
        prefix.WriteInt16(-1);     // acks: all
        prefix.WriteInt32(30_000); // timeout
        prefix.WrittenSpan.CopyTo(frame);
        return frame;
    }

    // An engine on the test's clock in front of a broker of the test's own (a bare listener), and one client connection
    // through it, accepted at the broker.
    private async Task<ConnectedThrough> ConnectThroughAsync(Action<KafkaProxyOptions> configure)
    {
        var broker = new TcpListener(IPAddress.Loopback, 0);
        broker.Start();
        var options = new KafkaProxyOptions();
        options.Brokers.Add(new BrokerMapping { Upstream = new HostPort("127.0.0.1", ((IPEndPoint)broker.LocalEndpoint).Port), Listen = new HostPort("127.0.0.1", 0) });
        configure(options);
        var logs = new CapturingLoggerProvider();
        var engine = new ProxyEngine(Microsoft.Extensions.Options.Options.Create(options), new LoggerFactory([logs]), timeProvider: _time);
        await engine.StartAsync();
        var listener = engine.Listeners[0].Advertised;
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.Host, listener.Port);
        var accepted = await broker.AcceptSocketAsync().WaitAsync(Clients.Patience);
        return new ConnectedThrough(broker, engine, logs, client, accepted);
    }

    private sealed record ConnectedThrough(TcpListener Listener, ProxyEngine Proxy, CapturingLoggerProvider Logs, Socket Client, Socket Broker) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            Broker.Dispose();
            await Proxy.DisposeAsync();
            Listener.Dispose();
        }
    }

    // Moves the clock a second at a time (one tick of the engine's timer) until the condition holds.
    private async Task AdvanceUntilAsync(Func<bool> condition, CapturingLoggerProvider logs)
    {
        using var patience = new CancellationTokenSource(Clients.Patience);
        while (!condition())
        {
            Assert.False(patience.IsCancellationRequested, $"not reached within {Clients.Patience}\n{logs}");
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }
    }

    private static async Task AssertClosedAsync(Socket socket)
    {
        // Closed by the proxy: an orderly end of stream or a reset, either is a close.
        try
        {
            Assert.Equal(0, await socket.ReceiveAsync(new byte[1]).WaitAsync(Clients.Patience));
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.NotConnected)
        {
        }
    }
}
