using KafkaProxy.Core.Configuration;

namespace KafkaProxy.Core.Tests.Configuration;

public sealed class KafkaProxyOptionsValidatorTests
{
    private static KafkaProxyOptions Valid()
    {
        var options = new KafkaProxyOptions();
        options.Brokers.Add(BrokerMapping.Parse("broker-1:9092,127.0.0.1:0"));
        return options;
    }

    private static List<string> Errors(KafkaProxyOptions options) =>
        new KafkaProxyOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Fact]
    public void Validate_DefaultsWithOneMapping_Pass()
    {
        Assert.Empty(Errors(Valid()));
    }

    public static TheoryData<string, Action<KafkaProxyOptions>> Broken => new()
    {
        { "No broker is mapped", o => o.Brokers.Clear() },
        { "Broker broker-1:9092 is mapped twice", o => o.Brokers.Add(BrokerMapping.Parse("broker-1:9092,127.0.0.1:1")) },
        { "Listen address 127.0.0.1:5 is used by two", o => { o.Brokers.Add(BrokerMapping.Parse("b2:1,127.0.0.1:5")); o.Brokers.Add(BrokerMapping.Parse("b3:1,127.0.0.1:5")); } },
        { "which clients cannot connect to", o => o.Brokers.Add(BrokerMapping.Parse("b2:1,0.0.0.0:5")) },
        { "has both a bootstrap mapping and an external mapping", o => o.ExternalServers.Add(AddressMapping.Parse("broker-1:9092,x:1")) },
        { "the broker's port must not be 0", o => o.Brokers.Add(BrokerMapping.Parse("b2:0,127.0.0.1:0")) },
        { "MaxFrameSize (--max-frame-size) is 0", o => o.MaxFrameSize = 0 },
        { "MaxInFlightRequests (--kafka-max-open-requests) is -1", o => o.MaxInFlightRequests = -1 },
        { "MaxConnections (--max-connections) is 0", o => o.MaxConnections = 0 },
        { "DialTimeout (--kafka-dial-timeout) is 00:00:00", o => o.DialTimeout = TimeSpan.Zero },
        { "IdleTimeout (--idle-timeout) is -00:00:01", o => o.IdleTimeout = TimeSpan.FromSeconds(-1) },
        { "--proxy-listener-read-buffer-size is -1", o => o.ListenerSockets.ReceiveBufferSize = -1 },
        { "--kafka-connection-write-buffer-size is -2", o => o.UpstreamSockets.SendBufferSize = -2 },
        { "--deterministic-listeners needs --dynamic-sequential-min-port", o => o.DynamicListeners.Deterministic = true },
        { "set --dynamic-advertised-listener", o => o.DynamicListeners.BindAddress = "0.0.0.0" },
        { "SequentialMinPort (--dynamic-sequential-min-port) is 70000", o => o.DynamicListeners.SequentialMinPort = 70000 },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Validate_BrokenSetting_MessageNamesTheSetting(string expected, Action<KafkaProxyOptions> breakIt)
    {
        var options = Valid();
        breakIt(options);

        Assert.Contains(Errors(options), e => e.Contains(expected, StringComparison.Ordinal));
    }
}
