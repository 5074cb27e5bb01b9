using KafkaProxy.Core.Configuration;
using Microsoft.Extensions.Options;

namespace KafkaProxy.Core.Tests.Configuration;

public sealed class KafkaProxyOptionsValidatorTests
{
    // Each case breaks one rule of otherwise valid options, and gives the text its message must contain.
    private static readonly Dictionary<string, (Action<KafkaProxyOptions> Break, string Expected)> BrokenCases = new()
    {
        ["NoBrokers"] = (o => o.Brokers.Clear(), "KafkaProxy:Brokers: no broker is mapped. Map at least one"),
        ["UpstreamPortZero"] = (o => o.Brokers.Add(BrokerMapping.Parse("b2:0,127.0.0.1:0")), "KafkaProxy:Brokers: in 'b2:0,127.0.0.1:0' the broker's port must not be 0."),
        ["DuplicateUpstream"] = (o => o.Brokers.Add(BrokerMapping.Parse("broker-1:9092,127.0.0.1:1")), "KafkaProxy:Brokers: broker broker-1:9092 is mapped twice; keep one mapping for it."),
        ["DuplicateListen"] = (
            o => { o.Brokers.Add(BrokerMapping.Parse("b2:1,127.0.0.1:5")); o.Brokers.Add(BrokerMapping.Parse("b3:1,127.0.0.1:5")); },
            "KafkaProxy:Brokers: listen address 127.0.0.1:5 is used by two broker mappings; give each its own port."),
        ["DuplicateListenIPv6"] = (
            o => { o.Brokers.Add(BrokerMapping.Parse("b2:1,[::1]:5")); o.Brokers.Add(BrokerMapping.Parse("b3:1,[::1]:5")); },
            "listen address [::1]:5 is used by two broker mappings"),
        ["WildcardListenIPv4"] = (o => o.Brokers.Add(BrokerMapping.Parse("b2:1,0.0.0.0:5")), "KafkaProxy:Brokers: 'b2:1,0.0.0.0:5' listens on 0.0.0.0, which clients cannot connect to; add the advertised address"),
        ["WildcardListenIPv6"] = (o => o.Brokers.Add(BrokerMapping.Parse("b2:1,[::]:5")), "'b2:1,[::]:5' listens on ::, which clients cannot connect to"),
        ["ExternalConflictsWithBootstrap"] = (o => o.ExternalServers.Add(AddressMapping.Parse("broker-1:9092,x:1")), "KafkaProxy:ExternalServers: broker broker-1:9092 is also in KafkaProxy:Brokers; keep one of the two mappings."),
        ["MaxFrameSizeZero"] = (o => o.MaxFrameSize = 0, "KafkaProxy:MaxFrameSize is 0; it must be at least 1 bytes."),
        ["MaxFrameSizeNegative"] = (o => o.MaxFrameSize = -1, "KafkaProxy:MaxFrameSize is -1"),
        ["MaxInFlightZero"] = (o => o.MaxInFlightRequests = 0, "KafkaProxy:MaxInFlightRequests is 0; it must be at least 1 requests."),
        ["MaxInFlightNegative"] = (o => o.MaxInFlightRequests = -1, "KafkaProxy:MaxInFlightRequests is -1"),
        ["MaxConnectionsZero"] = (o => o.MaxConnections = 0, "KafkaProxy:MaxConnections is 0; it must be at least 1 connections."),
        ["MaxConnectionsNegative"] = (o => o.MaxConnections = int.MinValue, "KafkaProxy:MaxConnections is -2147483648"),
        ["DialTimeoutZero"] = (o => o.DialTimeout = TimeSpan.Zero, "KafkaProxy:DialTimeout is 00:00:00; it must be positive, for example 15s."),
        ["DialTimeoutNegative"] = (o => o.DialTimeout = TimeSpan.FromSeconds(-1), "KafkaProxy:DialTimeout is -00:00:01"),
        ["UpstreamReadTimeoutNegative"] = (o => o.UpstreamReadTimeout = TimeSpan.FromSeconds(-1), "KafkaProxy:UpstreamReadTimeout is -00:00:01; use 0 to turn it off or a positive duration."),
        ["WriteTimeoutNegative"] = (o => o.WriteTimeout = TimeSpan.FromMilliseconds(-1), "KafkaProxy:WriteTimeout is -00:00:00.0010000"),
        ["WriteTimeoutInfinite"] = (o => o.WriteTimeout = Timeout.InfiniteTimeSpan, "KafkaProxy:WriteTimeout is -00:00:00.0010000"),
        ["IdleTimeoutNegative"] = (o => o.IdleTimeout = TimeSpan.FromMinutes(-1), "KafkaProxy:IdleTimeout is -00:01:00"),
        ["DrainTimeoutNegative"] = (o => o.DrainTimeout = TimeSpan.FromSeconds(-30), "KafkaProxy:DrainTimeout is -00:00:30"),
        ["ListenerReadBufferNegative"] = (o => o.ListenerSockets.ReceiveBufferSize = -1, "KafkaProxy:ListenerSockets:ReceiveBufferSize is -1; use 0 for the OS default or a size in bytes."),
        ["ListenerWriteBufferNegative"] = (o => o.ListenerSockets.SendBufferSize = -1, "KafkaProxy:ListenerSockets:SendBufferSize is -1"),
        ["UpstreamReadBufferNegative"] = (o => o.UpstreamSockets.ReceiveBufferSize = -3, "KafkaProxy:UpstreamSockets:ReceiveBufferSize is -3"),
        ["UpstreamWriteBufferNegative"] = (o => o.UpstreamSockets.SendBufferSize = -2, "KafkaProxy:UpstreamSockets:SendBufferSize is -2"),
        ["DynamicBindEmpty"] = (o => o.DynamicListeners.BindAddress = "", "KafkaProxy:DynamicListeners:BindAddress is empty"),
        ["DynamicBindWhitespace"] = (o => o.DynamicListeners.BindAddress = "  ", "KafkaProxy:DynamicListeners:BindAddress is empty"),
        ["DynamicBindWildcardIPv4"] = (o => o.DynamicListeners.BindAddress = "0.0.0.0", "KafkaProxy:DynamicListeners:AdvertisedHost is needed: dynamic listeners bind to 0.0.0.0, which clients cannot connect to"),
        ["DynamicBindWildcardIPv6"] = (o => o.DynamicListeners.BindAddress = "::", "dynamic listeners bind to ::, which clients cannot connect to"),
        ["DynamicBindWildcardBracketed"] = (o => o.DynamicListeners.BindAddress = "[::]", "dynamic listeners bind to [::]"),
        ["DynamicBindWildcardBlankAdvertised"] = (
            o => { o.DynamicListeners.BindAddress = "0.0.0.0"; o.DynamicListeners.AdvertisedHost = " "; },
            "KafkaProxy:DynamicListeners:AdvertisedHost is needed"),
        ["SequentialMinPortNegative"] = (o => o.DynamicListeners.SequentialMinPort = -1, "KafkaProxy:DynamicListeners:SequentialMinPort is -1; use 0 (random ports) or a port up to 65535."),
        ["SequentialMinPortTooHigh"] = (o => o.DynamicListeners.SequentialMinPort = 65536, "KafkaProxy:DynamicListeners:SequentialMinPort is 65536"),
        ["DeterministicWithoutMinPort"] = (o => o.DynamicListeners.Deterministic = true, "KafkaProxy:DynamicListeners:Deterministic needs KafkaProxy:DynamicListeners:SequentialMinPort: the port is that minimum plus the broker id."),
        ["NodePortBaseTooHigh"] = (o => o.NodePorts.Base = 70000, "KafkaProxy:NodePorts:Base is 70000; use 0 (node-id ports off) or the port of node 0"),
        ["NodePortBaseNegative"] = (o => o.NodePorts.Base = -1, "KafkaProxy:NodePorts:Base is -1"),
        ["NodeIdMaxBeyondThePorts"] = (o => (o.NodePorts.Base, o.NodePorts.NodeIdMax) = (60000, 6000), "KafkaProxy:NodePorts:NodeIdMax is 6000; it must be at least 0, and KafkaProxy:NodePorts:Base (60000) plus it at most 65535."),
        ["NodeIdMaxNegative"] = (o => (o.NodePorts.Base, o.NodePorts.NodeIdMax) = (19000, -1), "KafkaProxy:NodePorts:NodeIdMax is -1"),
        ["NodePortsWildcardWithoutAdvertised"] = (o => (o.NodePorts.Base, o.NodePorts.ListenHost) = (19000, "0.0.0.0"), "KafkaProxy:NodePorts:AdvertisedHost is needed: node listeners bind to 0.0.0.0"),
        ["NodePortsListenHostEmpty"] = (o => (o.NodePorts.Base, o.NodePorts.ListenHost) = (19000, " "), "KafkaProxy:NodePorts:ListenHost is empty"),
        ["NodePortsWithDeterministicListeners"] = (
            o => { o.NodePorts.Base = 19000; o.DynamicListeners.SequentialMinPort = 30000; o.DynamicListeners.Deterministic = true; },
            "KafkaProxy:DynamicListeners:SequentialMinPort, KafkaProxy:DynamicListeners:Deterministic and KafkaProxy:DynamicListeners:AdvertisedHost do not apply with node-id ports (KafkaProxy:NodePorts:Base)"),
        ["NodePortsWithDynamicListenersOff"] = (o => { o.NodePorts.Base = 19000; o.DynamicListeners.Enabled = false; }, "KafkaProxy:DynamicListeners:Enabled is false, but node-id ports (KafkaProxy:NodePorts:Base) starts a listener"),
        ["MappingOnANodePort"] = (
            o => { (o.NodePorts.Base, o.NodePorts.NodeIdMax) = (19000, 10); o.Brokers.Add(BrokerMapping.Parse("b2:1,127.0.0.1:19005")); },
            "KafkaProxy:Brokers: 'b2:1,127.0.0.1:19005' listens on port 19005, which node-id ports (KafkaProxy:NodePorts:Base) keeps for node 5"),
        ["SniWithoutClientTls"] = (o => { Sni(o); o.ClientTls.Enabled = false; }, "SNI routing (KafkaProxy:Sni:ListenerAddress) reads the broker's name from the client's TLS handshake: set KafkaProxy:ClientTls:Enabled"),
        ["SniWithoutBootstrapHost"] = (o => { Sni(o); o.Sni.BootstrapHost = null; }, "KafkaProxy:Sni:BootstrapHost is ''; SNI routing (KafkaProxy:Sni:ListenerAddress) needs the host name clients bootstrap with"),
        ["SniPatternWithoutNodeId"] = (o => { Sni(o); o.Sni.HostPattern = "broker.kafka.example.com"; }, "KafkaProxy:Sni:HostPattern is 'broker.kafka.example.com'; SNI routing (KafkaProxy:Sni:ListenerAddress) needs a host name with $(nodeId) once"),
        ["SniPatternWithNodeIdTwice"] = (o => { Sni(o); o.Sni.HostPattern = "b-$(nodeId)-$(nodeId).example.com"; }, "KafkaProxy:Sni:HostPattern is 'b-$(nodeId)-$(nodeId).example.com'"),
        ["SniPatternWithAPort"] = (o => { Sni(o); o.Sni.HostPattern = "b-$(nodeId).example.com:9092"; }, "KafkaProxy:Sni:HostPattern is 'b-$(nodeId).example.com:9092'"),
        ["SniWithoutUpstreams"] = (o => { Sni(o); o.Sni.UpstreamBootstrapServers.Clear(); }, "KafkaProxy:Sni:UpstreamBootstrapServers is empty"),
        ["SniAdvertisedPortTooHigh"] = (o => { Sni(o); o.Sni.AdvertisedPort = 65536; }, "KafkaProxy:Sni:AdvertisedPort is 65536"),
        ["SniWithMappings"] = (o => { Sni(o); o.Brokers.Add(BrokerMapping.Parse("b2:1,127.0.0.1:0")); }, "KafkaProxy:Brokers and SNI routing (KafkaProxy:Sni:ListenerAddress) both listen for the cluster; choose one"),
        ["SniWithExternalServers"] = (o => { Sni(o); o.ExternalServers.Add(AddressMapping.Parse("b2:1,x:1")); }, "KafkaProxy:ExternalServers cannot be used with SNI routing"),
        ["SniWithNodePorts"] = (o => { Sni(o); o.NodePorts.Base = 19000; }, "KafkaProxy:NodePorts:Base and SNI routing (KafkaProxy:Sni:ListenerAddress) are two ways of addressing brokers; choose one."),
        ["SniWithDynamicListenerPorts"] = (o => { Sni(o); o.DynamicListeners.SequentialMinPort = 30000; }, "do not apply with SNI routing (KafkaProxy:Sni:ListenerAddress)"),
    };

    // Valid SNI routing in place of the mapping: files exist for the certificate (the validator does not read them).
    private static void Sni(KafkaProxyOptions options)
    {
        options.Brokers.Clear();
        options.Sni.ListenerAddress = HostPort.Parse("0.0.0.0:9092");
        options.Sni.BootstrapHost = "bootstrap.kafka.example.com";
        options.Sni.HostPattern = "broker-$(nodeId).kafka.example.com";
        options.Sni.UpstreamBootstrapServers.Add(HostPort.Parse("broker-1:9092"));
        options.ClientTls.Enabled = true;
        options.ClientTls.CertFile = options.ClientTls.KeyFile = typeof(KafkaProxyOptionsValidatorTests).Assembly.Location;
    }

    // Each case changes otherwise valid options in a way that must still pass.
    private static readonly Dictionary<string, Action<KafkaProxyOptions>> ValidCases = new()
    {
        ["Defaults"] = _ => { },
        ["WildcardListenWithAdvertised"] = o => o.Brokers.Add(BrokerMapping.Parse("b2:1,0.0.0.0:5,proxy.example:5")),
        ["WildcardIPv6ListenWithAdvertised"] = o => o.Brokers.Add(BrokerMapping.Parse("b2:1,[::]:5,proxy.example:5")),
        ["TwoListenersOnPortZero"] = o => { o.Brokers.Add(BrokerMapping.Parse("b2:1,127.0.0.1:0")); o.Brokers.Add(BrokerMapping.Parse("b3:1,127.0.0.1:0")); },
        ["SamePortOnOtherHosts"] = o => { o.Brokers.Add(BrokerMapping.Parse("b2:1,127.0.0.2:5")); o.Brokers.Add(BrokerMapping.Parse("b3:1,127.0.0.3:5")); },
        ["ExternalForAnotherBroker"] = o => o.ExternalServers.Add(AddressMapping.Parse("broker-2:9092,elsewhere:9092")),
        ["DialForTheMappedBroker"] = o => o.DialAddresses.Add(AddressMapping.Parse("broker-1:9092,10.0.0.1:9092")),
        ["LimitsOfOne"] = o => { o.MaxFrameSize = 1; o.MaxInFlightRequests = 1; o.MaxConnections = 1; },
        ["OptionalTimeoutsZero"] = o => { o.UpstreamReadTimeout = o.WriteTimeout = o.IdleTimeout = o.DrainTimeout = TimeSpan.Zero; },
        ["TinyDialTimeout"] = o => o.DialTimeout = TimeSpan.FromTicks(1),
        ["BuffersZero"] = o => { o.ListenerSockets.ReceiveBufferSize = o.ListenerSockets.SendBufferSize = 0; o.UpstreamSockets.ReceiveBufferSize = o.UpstreamSockets.SendBufferSize = 0; },
        ["BuffersSet"] = o => { o.ListenerSockets.ReceiveBufferSize = 65536; o.UpstreamSockets.SendBufferSize = 1 << 20; },
        ["KeepAliveOff"] = o => o.UpstreamSockets.KeepAlive = TimeSpan.FromSeconds(-1),
        ["DynamicWildcardWithAdvertised"] = o => { o.DynamicListeners.BindAddress = "0.0.0.0"; o.DynamicListeners.AdvertisedHost = "proxy.example"; },
        ["DeterministicWithMinPort"] = o => { o.DynamicListeners.SequentialMinPort = 30000; o.DynamicListeners.Deterministic = true; },
        ["SequentialMinPortMax"] = o => o.DynamicListeners.SequentialMinPort = 65535,
        ["DynamicDisabled"] = o => o.DynamicListeners.Enabled = false,
        ["NodePorts"] = o => o.NodePorts.Base = 19000,
        ["NodePortsWildcardWithAdvertised"] = o => (o.NodePorts.Base, o.NodePorts.ListenHost, o.NodePorts.AdvertisedHost) = (19000, "0.0.0.0", "proxy.example"),
        ["NodePortsUpToTheLastPort"] = o => (o.NodePorts.Base, o.NodePorts.NodeIdMax) = (65000, 535),
        ["MappingBelowTheNodePorts"] = o => { (o.NodePorts.Base, o.NodePorts.NodeIdMax) = (19000, 10); o.Brokers.Add(BrokerMapping.Parse("b2:1,127.0.0.1:18999")); },
        ["Sni"] = Sni,
        ["SniPatternWithNodeIdFirst"] = o => { Sni(o); o.Sni.HostPattern = "$(nodeId).brokers.example.com"; },
        ["SniOnALoadBalancerPort"] = o => { Sni(o); o.Sni.AdvertisedPort = 443; },
    };

    public static TheoryData<string> BrokenCaseNames => new(BrokenCases.Keys);

    public static TheoryData<string> ValidCaseNames => new(ValidCases.Keys);

    private static KafkaProxyOptions Valid()
    {
        var options = new KafkaProxyOptions();
        options.Brokers.Add(BrokerMapping.Parse("broker-1:9092,127.0.0.1:0"));
        return options;
    }

    private static ValidateOptionsResult Validate(KafkaProxyOptions options) => new KafkaProxyOptionsValidator().Validate(null, options);

    [Theory]
    [MemberData(nameof(ValidCaseNames))]
    public void Validate_ValidOptions_Succeeds(string caseName)
    {
        var options = Valid();
        ValidCases[caseName](options);

        var result = Validate(options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [MemberData(nameof(BrokenCaseNames))]
    public void Validate_OneRuleBroken_FailsWithOneMessageNamingTheSetting(string caseName)
    {
        var (breakIt, expected) = BrokenCases[caseName];
        var options = Valid();
        breakIt(options);

        var result = Validate(options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ManyRulesBroken_ReportsEveryMessageAtOnce()
    {
        var options = new KafkaProxyOptions { MaxFrameSize = 0, MaxConnections = 0, DialTimeout = TimeSpan.Zero, IdleTimeout = TimeSpan.FromSeconds(-1) };
        options.ListenerSockets.SendBufferSize = -1;
        options.DynamicListeners.Deterministic = true;

        var result = Validate(options);

        string[] expectedStarts =
        [
            "KafkaProxy:Brokers: no broker is mapped",
            "KafkaProxy:MaxFrameSize is 0",
            "KafkaProxy:MaxConnections is 0",
            "KafkaProxy:DialTimeout is 00:00:00",
            "KafkaProxy:IdleTimeout is -00:00:01",
            "KafkaProxy:ListenerSockets:SendBufferSize is -1",
            "KafkaProxy:DynamicListeners:Deterministic needs",
        ];
        Assert.Equal(expectedStarts.Length, result.Failures!.Count());
        Assert.All(expectedStarts.Zip(result.Failures!), pair => Assert.StartsWith(pair.First, pair.Second, StringComparison.Ordinal));
        Assert.Contains("KafkaProxy:MaxFrameSize is 0", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SameBrokerMappedThreeTimes_NamesItOncePerExtraMapping()
    {
        var options = Valid();
        options.Brokers.Add(BrokerMapping.Parse("broker-1:9092,127.0.0.1:0"));
        options.Brokers.Add(BrokerMapping.Parse("broker-1:9092,127.0.0.1:0"));

        var result = Validate(options);

        Assert.Equal(2, result.Failures!.Count(f => f.StartsWith("KafkaProxy:Brokers: broker broker-1:9092 is mapped twice", StringComparison.Ordinal)));
    }

    [Fact]
    public void Validate_NamedOptions_AppliesTheSameRules()
    {
        var result = new KafkaProxyOptionsValidator().Validate("secondary", new KafkaProxyOptions());

        Assert.Contains(result.Failures!, f => f.StartsWith("KafkaProxy:Brokers: no broker is mapped", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NullOptions_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>("options", () => new KafkaProxyOptionsValidator().Validate(null, null!));
    }

    [Fact]
    public void Validate_TimeoutsBeyondTheTimerLimit_MessagesNameTheSettings()
    {
        var options = Valid();
        options.DialTimeout = TimeSpan.FromDays(50);
        options.DrainTimeout = TimeSpan.FromDays(50);

        var result = Validate(options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("KafkaProxy:DialTimeout is 50.00:00:00", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("KafkaProxy:DrainTimeout is 50.00:00:00", StringComparison.Ordinal));
    }
}
