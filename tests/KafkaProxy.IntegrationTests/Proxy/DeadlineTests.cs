using KafkaProxy.IntegrationTests.Support;

namespace KafkaProxy.IntegrationTests.Proxy;

public sealed class DeadlineTests
{
    [Fact]
    public async Task IdleTimeout_SilentConnection_IsClosedWithReason()
    {
        await using var proxied = await ProxiedCluster.StartAsync(configure: o => o.IdleTimeout = TimeSpan.FromSeconds(1));
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var client = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        await client.SendAsync(18, 0, false, _ => { });

        // Closed by the proxy: an orderly end of stream or a reset, either is a close.
        try
        {
            Assert.Equal(0, await client.Stream.ReadAsync(new byte[1]).AsTask().WaitAsync(Clients.Patience));
        }
        catch (IOException)
        {
        }

        Assert.Contains(proxied.Logs.Lines, l => l.Contains("(IdleTimeout)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpstreamReadTimeout_BrokerSlowerThanTheLimit_ConnectionClosedWithReason()
    {
        await using var proxied = await ProxiedCluster.StartAsync(configure: o => o.UpstreamReadTimeout = TimeSpan.FromSeconds(1));
        proxied.Cluster.SetBrokerLatency(1, TimeSpan.FromSeconds(4));
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var client = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        await Assert.ThrowsAnyAsync<IOException>(() => client.SendAsync(18, 0, false, _ => { }));

        Assert.Contains(proxied.Logs.Lines, l => l.Contains("(UpstreamReadTimeout) with 1 requests waiting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpstreamReadTimeout_BrokerFasterThanTheLimit_RequestsSucceed()
    {
        await using var proxied = await ProxiedCluster.StartAsync(configure: o => o.UpstreamReadTimeout = TimeSpan.FromSeconds(5));
        proxied.Cluster.SetBrokerLatency(1, TimeSpan.FromMilliseconds(300));
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var client = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        for (int i = 0; i < 3; i++)
        {
            await client.SendAsync(18, 0, false, _ => { });
        }
    }
}
