using KafkaProxy.Core.Configuration;

namespace KafkaProxy.Core.Tests.Configuration;

public sealed class MappingParseTests
{
    [Fact]
    public void BrokerMappingParse_TwoParts_AdvertisedDefaultsToListen()
    {
        var mapping = BrokerMapping.Parse("broker-1:9092,127.0.0.1:19092");

        Assert.Equal(new HostPort("broker-1", 9092), mapping.Upstream);
        Assert.Equal(new HostPort("127.0.0.1", 19092), mapping.Listen);
        Assert.Null(mapping.Advertised);
    }

    [Fact]
    public void BrokerMappingParse_ThreePartsWithSpaces_ReadsAdvertised()
    {
        var mapping = BrokerMapping.Parse("broker-1:9092, 0.0.0.0:19092 , proxy.example:19092");

        Assert.Equal(new HostPort("proxy.example", 19092), mapping.Advertised);
        Assert.Equal("broker-1:9092,0.0.0.0:19092,proxy.example:19092", mapping.ToString());
    }

    [Theory]
    [InlineData("broker-1:9092")]
    [InlineData("a:1,b:2,c:3,d:4")]
    public void BrokerMappingParse_WrongPartCount_SaysTheFormat(string value)
    {
        var error = Assert.Throws<FormatException>(() => BrokerMapping.Parse(value));
        Assert.Contains("'broker:port,local:port'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddressMappingParse_ThreeParts_IsRejected()
    {
        var error = Assert.Throws<FormatException>(() => AddressMapping.Parse("a:1,b:2,c:3"));
        Assert.Contains("must be 'broker:port,other:port'", error.Message, StringComparison.Ordinal);
    }
}
