using KafkaProxy.Core.Configuration;

namespace KafkaProxy.Core.Tests.Configuration;

public sealed class HostPortTests
{
    [Theory]
    [InlineData("127.0.0.1:9092", "127.0.0.1", 9092)]
    [InlineData(" broker-1.internal:19092 ", "broker-1.internal", 19092)]
    [InlineData("[::1]:9092", "::1", 9092)]
    [InlineData("localhost:0", "localhost", 0)]
    public void Parse_ValidAddress_SplitsHostAndPort(string text, string host, int port)
    {
        Assert.Equal(new HostPort(host, port), HostPort.Parse(text));
    }

    [Theory]
    [InlineData("broker", "is not host:port")]
    [InlineData("broker:", "is not host:port")]
    [InlineData(":9092", "is not host:port")]
    [InlineData("broker:http", "has port 'http'")]
    [InlineData("broker:65536", "has port '65536'")]
    [InlineData("::1:9092", "write IPv6 addresses in brackets")]
    [InlineData("[]:9092", "has an empty host")]
    public void Parse_Malformed_MessageNamesTheValueAndTheFix(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => HostPort.Parse(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(text.Trim().Length > 0 ? text : "''", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_IPv6_UsesBrackets()
    {
        Assert.Equal("[::1]:9092", new HostPort("::1", 9092).ToString());
    }
}
