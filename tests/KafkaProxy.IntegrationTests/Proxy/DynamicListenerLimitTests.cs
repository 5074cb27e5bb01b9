using System.Buffers.Binary;
using System.Text;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Configuration.Binding;
using KafkaProxy.Core.Proxy;
using KafkaProxy.IntegrationTests.Security;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Protocol.Primitives;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using static KafkaProxy.IntegrationTests.Support.ScriptedBroker;

namespace KafkaProxy.IntegrationTests.Proxy;

/// <summary>What a broker that names too many brokers, or names one oddly, can make the proxy do (issue 21).</summary>
public sealed class DynamicListenerLimitTests
{
    private const string Refused = "proxy_dynamic_listeners_refused_total";

    [Fact]
    public async Task Metadata_BrokerNames2000Brokers_StartsTheDefaultCapOfListenersAndRefusesTheRestLoggedAndCounted()
    {
        // Such answers used to start a listener for every broker named: 1,768 of them, until descriptors ran out.
        var named = Enumerable.Range(1, 2000).Select(i => new NamedBroker(i, Encoding.UTF8.GetBytes($"broker-{i}.invalid"), 9092)).ToArray();
        await using var broker = new ScriptedBroker(() => named);
        await using var proxy = await StartProxyAsync(broker);
        Assert.Equal(1024, new KafkaProxyOptions().DynamicListeners.MaxListeners);

        await AssertClosedByProxyAsync(proxy, await ConnectAsync(proxy));

        Assert.Equal(1024, proxy.Engine.Listeners.Count(l => l.IsDynamic));
        string line = await proxy.Logs.WaitForLineAsync("Warning 1019 ");
        Assert.Contains("(node 1025)", line, StringComparison.Ordinal);
        Assert.Contains("KafkaProxy:DynamicListeners:MaxListeners", line, StringComparison.Ordinal);
        Assert.Equal(1, proxy.Metrics.Sum(Refused, ("reason", "max_listeners")));

        // Each answer that names a broker beyond the cap is refused again, and no listener more starts.
        await AssertClosedByProxyAsync(proxy, await ConnectAsync(proxy));
        Assert.Equal(1024, proxy.Engine.Listeners.Count(l => l.IsDynamic));
        Assert.Equal(2, proxy.Metrics.Sum(Refused, ("reason", "max_listeners")));
        Assert.Equal(2, broker.MetadataAnswers);

        // The mapped listener keeps serving other requests.
        await using var bystander = await ConnectAsync(proxy);
        await bystander.SendAsync(18, 0, false, _ => { });
    }

    [Fact]
    public async Task Metadata_FiftyAnswersNamingAHostThatIsNotUtf8_OneListener()
    {
        // 50 identical answers naming a broker whose host is not valid UTF-8 used to start 50 listeners.
        byte[] host = [0x62, 0x72, 0xFF, 0xFE, 0xC3, 0x28, 0x2E, 0x78]; // "br", two bytes no UTF-8 starts with, a broken two-byte sequence, ".x"
        await using var broker = new ScriptedBroker(() => [new NamedBroker(7, host, 9092)]);
        await using var proxy = await StartProxyAsync(broker);

        var seen = new HashSet<(string Host, int Port)>();
        for (int i = 0; i < 50; i++)
        {
            await using var client = await ConnectAsync(proxy);
            seen.Add(SingleBroker(await client.SendAsync(3, 1, false, b => b.WriteArrayLength(-1, compact: false))));
        }

        var listener = Assert.Single(proxy.Engine.Listeners, l => l.IsDynamic);
        Assert.Equal((listener.Advertised.Host, listener.Advertised.Port), Assert.Single(seen));
        Assert.Equal(50, broker.MetadataAnswers);
    }

    [Fact]
    public async Task Metadata_OneNodeNamedAtASecondAddress_KeepsItsOneListenerAndRefusesTheOther()
    {
        var address = new byte[][] { "first.invalid"u8.ToArray() };
        await using var broker = new ScriptedBroker(() => [new NamedBroker(7, address[0], 9092)]);
        await using var proxy = await StartProxyAsync(broker);
        await using (var client = await ConnectAsync(proxy))
        {
            await client.SendAsync(3, 1, false, b => b.WriteArrayLength(-1, compact: false));
        }

        address[0] = "second.invalid"u8.ToArray();
        await AssertClosedByProxyAsync(proxy, await ConnectAsync(proxy));

        var listener = Assert.Single(proxy.Engine.Listeners, l => l.IsDynamic);
        Assert.Equal(new HostPort("first.invalid", 9092), listener.Upstream);
        string line = await proxy.Logs.WaitForLineAsync("Warning 1019 ");
        Assert.Contains("second.invalid:9092 (node 7)", line, StringComparison.Ordinal);
        Assert.Contains("first.invalid:9092", line, StringComparison.Ordinal);
        Assert.Equal(1, proxy.Metrics.Sum(Refused, ("reason", "second_address")));
    }

    [Fact]
    public async Task MaxListeners_FromConfiguration_CapsDiscoveredBrokers()
    {
        var named = Enumerable.Range(1, 10).Select(i => new NamedBroker(i, Encoding.UTF8.GetBytes($"broker-{i}.invalid"), 9092)).ToArray();
        await using var broker = new ScriptedBroker(() => named);
        await using var proxy = await StartProxyAsync(broker, new Dictionary<string, string?> { ["DynamicListeners:MaxListeners"] = "3" });

        await AssertClosedByProxyAsync(proxy, await ConnectAsync(proxy));

        Assert.Equal(3, proxy.Engine.Listeners.Count(l => l.IsDynamic));
        Assert.Contains("broker-4.invalid:9092 (node 4)", await proxy.Logs.WaitForLineAsync("Warning 1019 "), StringComparison.Ordinal);
    }

    private static async Task<RunningProxy> StartProxyAsync(ScriptedBroker broker, Dictionary<string, string?>? settings = null)
    {
        var options = new KafkaProxyOptions();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KafkaProxy:Brokers"] = $"127.0.0.1:{broker.Port},127.0.0.1:0",
        }.Concat((settings ?? []).Select(s => KeyValuePair.Create("KafkaProxy:" + s.Key, s.Value)))).Build();
        KafkaProxyOptionsBinder.Bind(configuration.GetSection("KafkaProxy"), options);
        var logs = new CapturingLoggerProvider();
        var metrics = new MetricCapture();
        var engine = new ProxyEngine(options, new LoggerFactory([logs]), metrics.Factory);
        await engine.StartAsync();
        return new RunningProxy(engine, logs, metrics);
    }

    private static Task<RawKafkaClient> ConnectAsync(RunningProxy proxy)
    {
        var bootstrap = proxy.Engine.Listeners.Single(l => !l.IsDynamic).Advertised;
        return RawKafkaClient.ConnectAsync(bootstrap.Host, bootstrap.Port);
    }

    // Asks for metadata; the proxy must close the connection rather than answer.
    private static async Task AssertClosedByProxyAsync(RunningProxy proxy, RawKafkaClient client)
    {
        await using (client)
        {
            var error = await Record.ExceptionAsync(() => client.SendAsync(3, 1, false, b => b.WriteArrayLength(-1, compact: false)));
            Assert.True(error is IOException or EndOfStreamException, $"expected the proxy to close the connection, got {error?.ToString() ?? "an answer"}\n{string.Join('\n', proxy.Logs.Lines.TakeLast(20))}");
        }
    }

    // The one broker of a Metadata v1 answer (after its correlation id): brokers [node_id, host, port, rack], ...
    private static (string Host, int Port) SingleBroker(byte[] response)
    {
        Assert.Equal(1, BinaryPrimitives.ReadInt32BigEndian(response));
        int hostLength = BinaryPrimitives.ReadInt16BigEndian(response.AsSpan(8));
        string host = Encoding.UTF8.GetString(response, 10, hostLength);
        return (host, BinaryPrimitives.ReadInt32BigEndian(response.AsSpan(10 + hostLength)));
    }
}
