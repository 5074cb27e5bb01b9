using CsCheck;
using KafkaProxy.Core.Configuration;

namespace KafkaProxy.Core.Tests.Configuration;

public sealed class BrokerMappingTests
{
    private const string FormatHint = "must be 'broker:port,local:port' or 'broker:port,local:port,advertised:port'.";

    [Fact]
    public void Parse_TwoParts_ReadsUpstreamAndListenWithoutAdvertised()
    {
        var mapping = BrokerMapping.Parse("broker-1:9092,127.0.0.1:19092");

        Assert.Equal(new HostPort("broker-1", 9092), mapping.Upstream);
        Assert.Equal(new HostPort("127.0.0.1", 19092), mapping.Listen);
        Assert.Null(mapping.Advertised);
    }

    [Fact]
    public void Parse_ThreeParts_ReadsAdvertised()
    {
        var mapping = BrokerMapping.Parse("broker-1:9092,0.0.0.0:19092,proxy.example:29092");

        Assert.Equal(new HostPort("broker-1", 9092), mapping.Upstream);
        Assert.Equal(new HostPort("0.0.0.0", 19092), mapping.Listen);
        Assert.Equal(new HostPort("proxy.example", 29092), mapping.Advertised);
    }

    [Theory]
    [InlineData(" broker-1:9092,127.0.0.1:19092 ")]
    [InlineData("broker-1:9092 , 127.0.0.1:19092")]
    [InlineData("\tbroker-1:9092,\t127.0.0.1:19092\n")]
    public void Parse_WhitespaceAroundParts_IsIgnored(string value)
    {
        var mapping = BrokerMapping.Parse(value);

        Assert.Equal(new HostPort("broker-1", 9092), mapping.Upstream);
        Assert.Equal(new HostPort("127.0.0.1", 19092), mapping.Listen);
    }

    [Fact]
    public void Parse_IPv6Parts_ReadsEachAddress()
    {
        var mapping = BrokerMapping.Parse("[2001:db8::1]:9092,[::]:19092,[::1]:19092");

        Assert.Equal(new HostPort("2001:db8::1", 9092), mapping.Upstream);
        Assert.Equal(new HostPort("::", 19092), mapping.Listen);
        Assert.Equal(new HostPort("::1", 19092), mapping.Advertised);
    }

    [Theory]
    [InlineData("")]
    [InlineData("broker-1:9092")]
    [InlineData("a:1,b:2,c:3,d:4")]
    [InlineData("a:1,b:2,c:3,d:4,e:5")]
    public void Parse_WrongPartCount_MessageNamesTheValueAndTheFormat(string value)
    {
        var error = Assert.Throws<FormatException>(() => BrokerMapping.Parse(value));

        Assert.Equal($"'{value}' {FormatHint}", error.Message);
    }

    [Theory]
    [InlineData("broker-1:9092,local", "'local' is not host:port")]
    [InlineData("broker-1,127.0.0.1:1", "'broker-1' is not host:port")]
    [InlineData("broker-1:9092,127.0.0.1:1,proxy:x", "'proxy:x' has port 'x'")]
    [InlineData("broker-1:9092,,127.0.0.1:1", "'' is not host:port")]
    [InlineData("broker-1:9092,127.0.0.1:1,", "'' is not host:port")]
    public void Parse_BadPart_MessageNamesThePart(string value, string expected)
    {
        var error = Assert.Throws<FormatException>(() => BrokerMapping.Parse(value));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>("value", () => BrokerMapping.Parse(null!));
    }

    [Theory]
    [InlineData("broker-1:9092,127.0.0.1:19092")]
    [InlineData("broker-1:9092,0.0.0.0:19092,proxy.example:19092")]
    [InlineData("[::1]:9092,[::]:0,[2001:db8::2]:19092")]
    public void ToString_ParsedMapping_GivesTheCanonicalText(string value)
    {
        Assert.Equal(value, BrokerMapping.Parse(value).ToString());
    }

    [Fact]
    public void Parse_ToStringOfAnyMapping_RoundTrips()
    {
        var genHostPort = Gen.Select(Gen.String[Gen.Char["abc.-019"], 1, 12], Gen.Int[0, 65535]).Select((h, p) => new HostPort(h, p));
        Gen.Select(genHostPort, genHostPort, genHostPort.Nullable()).Sample((upstream, listen, advertised) =>
        {
            var original = new BrokerMapping { Upstream = upstream, Listen = listen, Advertised = advertised };

            var parsed = BrokerMapping.Parse(original.ToString());

            Assert.Equal((upstream, listen, advertised), (parsed.Upstream, parsed.Listen, parsed.Advertised));
        }, iter: 2_000, seed: "0N0XIzNsQ0O2");
    }
}
