using KafkaProxy.Core.Configuration;

namespace KafkaProxy.Core.Tests.Configuration;

public sealed class AddressMappingTests
{
    [Fact]
    public void Parse_TwoParts_ReadsFromAndTo()
    {
        var mapping = AddressMapping.Parse("broker-3:9092,elsewhere.example:19092");

        Assert.Equal(new HostPort("broker-3", 9092), mapping.From);
        Assert.Equal(new HostPort("elsewhere.example", 19092), mapping.To);
    }

    [Theory]
    [InlineData(" broker-3:9092 , 10.0.0.3:9092 ")]
    [InlineData("\tbroker-3:9092,10.0.0.3:9092\r\n")]
    public void Parse_WhitespaceAroundParts_IsIgnored(string value)
    {
        var mapping = AddressMapping.Parse(value);

        Assert.Equal(new HostPort("broker-3", 9092), mapping.From);
        Assert.Equal(new HostPort("10.0.0.3", 9092), mapping.To);
    }

    [Fact]
    public void Parse_IPv6Parts_ReadsEachAddress()
    {
        var mapping = AddressMapping.Parse("[2001:db8::3]:9092,[::1]:9093");

        Assert.Equal(new HostPort("2001:db8::3", 9092), mapping.From);
        Assert.Equal(new HostPort("::1", 9093), mapping.To);
    }

    [Theory]
    [InlineData("")]
    [InlineData("broker-3:9092")]
    [InlineData("a:1,b:2,c:3")]
    [InlineData("a:1,b:2,c:3,d:4")]
    public void Parse_WrongPartCount_MessageNamesTheValueAndTheFormat(string value)
    {
        var error = Assert.Throws<FormatException>(() => AddressMapping.Parse(value));

        Assert.Equal($"'{value}' must be 'broker:port,other:port'.", error.Message);
    }

    [Theory]
    [InlineData("broker-3:9092,elsewhere", "'elsewhere' is not host:port")]
    [InlineData("broker-3:70000,elsewhere:1", "'broker-3:70000' has port '70000'")]
    [InlineData("broker-3:9092,", "'' is not host:port")]
    [InlineData("::1:9092,x:1", "'::1:9092': write IPv6 addresses in brackets")]
    public void Parse_BadPart_MessageNamesThePart(string value, string expected)
    {
        var error = Assert.Throws<FormatException>(() => AddressMapping.Parse(value));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>("value", () => AddressMapping.Parse(null!));
    }

    [Theory]
    [InlineData("broker-3:9092,elsewhere.example:19092")]
    [InlineData("[::1]:9092,[2001:db8::3]:9092")]
    public void ToString_ParsedMapping_GivesTheCanonicalText(string value)
    {
        Assert.Equal(value, AddressMapping.Parse(value).ToString());
    }
}
