using System.Net;
using CsCheck;
using KafkaProxy.Core.Configuration;

namespace KafkaProxy.Core.Tests.Configuration;

public sealed class HostPortTests
{
    private static readonly Gen<string> GenHost = Gen.OneOf(
        Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_"], 1, 40],
        Gen.Byte.Array[4].Select(b => new IPAddress(b).ToString()),
        Gen.Byte.Array[16].Select(b => new IPAddress(b).ToString()));

    [Theory]
    [InlineData("127.0.0.1:9092", "127.0.0.1", 9092)]
    [InlineData("broker-1.internal:19092", "broker-1.internal", 19092)]
    [InlineData(" broker-1.internal:19092 ", "broker-1.internal", 19092)]
    [InlineData("\tlocalhost:1\n", "localhost", 1)]
    [InlineData("[::1]:9092", "::1", 9092)]
    [InlineData("[fe80::1%eth0]:9092", "fe80::1%eth0", 9092)]
    [InlineData("[2001:db8::7]:65535", "2001:db8::7", 65535)]
    [InlineData("[broker]:9092", "broker", 9092)]
    [InlineData("localhost:0", "localhost", 0)]
    [InlineData("0.0.0.0:0", "0.0.0.0", 0)]
    [InlineData("broker:09092", "broker", 9092)]
    public void Parse_ValidAddress_SplitsHostAndPort(string text, string host, int port)
    {
        Assert.Equal(new HostPort(host, port), HostPort.Parse(text));
    }

    [Theory]
    [InlineData("broker")]
    [InlineData("broker:")]
    [InlineData("[::1]:")]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_MissingPort_SaysItIsNotHostPort(string text)
    {
        var error = Assert.Throws<FormatException>(() => HostPort.Parse(text));

        Assert.Equal($"'{text}' is not host:port (for example 127.0.0.1:9092, or [::1]:9092 for IPv6).", error.Message);
    }

    [Theory]
    [InlineData(":9092")]
    [InlineData(" :9092")]
    public void Parse_NothingBeforeTheColon_SaysItIsNotHostPort(string text)
    {
        var error = Assert.Throws<FormatException>(() => HostPort.Parse(text));

        Assert.StartsWith($"'{text}' is not host:port", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("broker:http", "http")]
    [InlineData("broker:65536", "65536")]
    [InlineData("broker:99999999999", "99999999999")]
    [InlineData("broker:-1", "-1")]
    [InlineData("broker:+1", "+1")]
    [InlineData("broker:1.5", "1.5")]
    [InlineData("broker: 9092", " 9092")]
    [InlineData("broker:9092x", "9092x")]
    [InlineData("[::1]:port", "port")]
    public void Parse_BadPort_MessageNamesTheValueAndTheRange(string text, string port)
    {
        var error = Assert.Throws<FormatException>(() => HostPort.Parse(text));

        Assert.Equal($"'{text}' has port '{port}'; a port is a number from 0 to 65535.", error.Message);
    }

    [Theory]
    [InlineData("::1:9092")]
    [InlineData("2001:db8::7:9092")]
    [InlineData("::1")]
    public void Parse_UnbracketedIPv6_AsksForBrackets(string text)
    {
        var error = Assert.Throws<FormatException>(() => HostPort.Parse(text));

        Assert.Equal($"'{text}': write IPv6 addresses in brackets, as [::1]:9092.", error.Message);
    }

    [Fact]
    public void Parse_EmptyBrackets_SaysTheHostIsEmpty()
    {
        var error = Assert.Throws<FormatException>(() => HostPort.Parse("[]:9092"));

        Assert.Equal("'[]:9092' has an empty host.", error.Message);
    }

    [Fact]
    public void Parse_BracketedIPv6WithoutPort_SaysItIsNotHostPort()
    {
        var error = Assert.Throws<FormatException>(() => HostPort.Parse("[::1]"));

        Assert.StartsWith("'[::1]' is not host:port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>("text", () => HostPort.Parse(null!));
    }

    [Theory]
    [InlineData("::1", 9092, "[::1]:9092")]
    [InlineData("127.0.0.1", 0, "127.0.0.1:0")]
    [InlineData("broker-1", 65535, "broker-1:65535")]
    public void ToString_AnyHost_WritesHostColonPortWithIPv6InBrackets(string host, int port, string expected)
    {
        Assert.Equal(expected, new HostPort(host, port).ToString());
    }

    [Fact]
    public void Parse_ToStringOfAnyHostAndPort_RoundTrips()
    {
        Gen.Select(GenHost, Gen.Int[0, 65535]).Sample((host, port) =>
        {
            var original = new HostPort(host, port);
            Assert.Equal(original, HostPort.Parse(original.ToString()));
        }, iter: 10_000, seed: "0N0XIzNsQ0O2");
    }
}
