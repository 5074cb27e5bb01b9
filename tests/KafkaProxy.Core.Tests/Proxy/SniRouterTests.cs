using System.Text;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Diagnostics;
using KafkaProxy.Core.Proxy;
using KafkaProxy.Core.Tests.Support;

namespace KafkaProxy.Core.Tests.Proxy;

/// <summary>The SNI router: addresses rewritten by node id, connections routed by the name they asked for.</summary>
public sealed class SniRouterTests : IDisposable
{
    private readonly LogCapture _logs = new();
    private readonly OwnedMeterFactory _meters = new();

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private SniRouter Create(string pattern = "broker-$(nodeId).kafka.example.com")
    {
        var options = new KafkaProxyOptions();
        options.Sni.ListenerAddress = HostPort.Parse("0.0.0.0:9092");
        options.Sni.BootstrapHost = "bootstrap.kafka.example.com";
        options.Sni.HostPattern = pattern;
        options.Sni.UpstreamBootstrapServers.Add(HostPort.Parse("b1:9092"));
        options.Sni.UpstreamBootstrapServers.Add(HostPort.Parse("b2:9092"));
        var router = new SniRouter(options.Sni, upstream => new BrokerRoute(upstream, upstream), new ProxyMetrics(_meters), _logs.CreateLogger("test"));
        router.Listening(9443);
        return router;
    }

    [Fact]
    public void Map_BrokersOfAResponse_AdvertisedByThePatternOnTheListenerPort_AndRoutedByThatName()
    {
        var router = Create();

        var one = router.Map(1, Utf8("10.0.0.1"), 9092);
        var two = router.Map(2, Utf8("10.0.0.2"), 9093);

        Assert.Equal(("broker-1.kafka.example.com", 9443), (one.Host, one.Port));
        Assert.Equal(("broker-2.kafka.example.com", 9443), (two.Host, two.Port));
        Assert.Same(one, router.Map(1, Utf8("10.0.0.1"), 9092));
        Assert.True(router.TryRoute("BROKER-2.kafka.example.com", 1, out var route));
        Assert.Equal(new HostPort("10.0.0.2", 9093), route.Upstream);
        Assert.Single(_logs.Lines, l => l.StartsWith("Information 1024 ", StringComparison.Ordinal) && l.Contains("node 2 is broker 10.0.0.2:9093", StringComparison.Ordinal));
    }

    [Fact]
    public void Map_NodeNamedAtANewAddress_KeepsItsNameAndIsDialedThere()
    {
        var router = Create();
        var before = router.Map(3, Utf8("10.0.0.3"), 9092);

        var after = router.Map(3, Utf8("10.0.0.33"), 9092);

        Assert.Same(before, after);
        Assert.True(router.TryRoute("broker-3.kafka.example.com", 1, out var route));
        Assert.Equal(new HostPort("10.0.0.33", 9092), route.Upstream);
        Assert.Contains(_logs.Lines, l => l.Contains("(moved)", StringComparison.Ordinal));
    }

    [Fact]
    public void TryRoute_BootstrapName_TakesTheUpstreamBootstrapServersInTurn()
    {
        var router = Create();

        var dialed = Enumerable.Range(0, 4).Select(i => Assert.IsType<BrokerRoute>(router.TryRoute("bootstrap.kafka.example.com", i, out var r) ? r : null).Upstream.Host).ToList();

        Assert.Equal(2, dialed.Distinct().Count());
        Assert.NotEqual(dialed[0], dialed[1]);
    }

    [Theory]
    [InlineData(null, "no server name")]
    [InlineData("", "no server name")]
    [InlineData("kafka.example.com", "is neither")]
    [InlineData("broker-.kafka.example.com", "is neither")]
    [InlineData("broker-01.kafka.example.com", "is neither")]
    [InlineData("broker--1.kafka.example.com", "is neither")]
    [InlineData("broker-1x.kafka.example.com", "is neither")]
    [InlineData("broker-99999999999.kafka.example.com", "is neither")]
    [InlineData("broker-1.kafka.example.org", "is neither")]
    [InlineData("broker-5.kafka.example.com", "names node 5, which no response has named yet")]
    public void TryRoute_NameOfNoKnownBroker_IsRefusedAndLogged(string? name, string reason)
    {
        var router = Create();
        router.Map(1, Utf8("10.0.0.1"), 9092);

        Assert.False(router.TryRoute(name, 42, out var route));

        Assert.Null(route);
        Assert.Contains(_logs.Lines, l => l.StartsWith("Warning 1023 ", StringComparison.Ordinal) && l.Contains("Connection 42", StringComparison.Ordinal) && l.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Map_NegativeNodeId_IsRefused()
    {
        var router = Create();

        Assert.Throws<UnmappedBrokerException>(() => router.Map(-1, Utf8("10.0.0.1"), 9092));
    }

    [Fact]
    public void Map_PatternWithTheNodeIdFirst_NamesAndRoutesLikeAnyOther()
    {
        var router = Create("$(nodeId).brokers.example.com");

        Assert.Equal("0.brokers.example.com", router.Map(0, Utf8("10.0.0.1"), 9092).Host);
        Assert.True(router.TryRoute("0.brokers.example.com", 1, out _));
    }

    public void Dispose() => _meters.Dispose();
}
