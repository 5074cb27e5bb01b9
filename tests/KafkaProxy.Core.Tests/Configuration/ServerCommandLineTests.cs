using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Configuration.CommandLine;

namespace KafkaProxy.Core.Tests.Configuration;

public sealed class ServerCommandLineTests
{
    private static KafkaProxyOptions Apply(params string[] args)
    {
        var options = new KafkaProxyOptions();
        ServerCommandLine.Parse(args).ApplyTo(options);
        return options;
    }

    [Fact]
    public void Parse_GoStyleFlags_FillTheOptions()
    {
        var options = Apply(
            "--bootstrap-server-mapping", "b1:9092,127.0.0.1:19092",
            "--bootstrap-server-mapping=b2:9092,127.0.0.1:19093,proxy:19093",
            "--external-server-mapping", "b3:9092,elsewhere:9092",
            "--dial-address-mapping", "b1:9092,10.1.1.1:9092",
            "--dynamic-listeners-disable",
            "--default-listener-ip", "127.0.0.2",
            "--dynamic-sequential-min-port=30000", "--deterministic-listeners",
            "--proxy-listener-read-buffer-size", "65536", "--proxy-listener-write-buffer-size", "131072",
            "--kafka-connection-read-buffer-size", "1024", "--kafka-connection-write-buffer-size", "2048",
            "--kafka-keep-alive", "0", "--proxy-listener-keep-alive", "30s",
            "--kafka-max-open-requests", "64", "--kafka-dial-timeout", "1m30s",
            "--kafka-read-timeout", "6m", "--kafka-write-timeout", "500ms",
            "--max-frame-size", "1048576", "--max-connections", "7", "--idle-timeout", "2h", "--drain-timeout", "45s");

        Assert.Equal(["b1:9092,127.0.0.1:19092", "b2:9092,127.0.0.1:19093,proxy:19093"], options.Brokers.Select(b => b.ToString()));
        Assert.Equal("b3:9092,elsewhere:9092", Assert.Single(options.ExternalServers).ToString());
        Assert.Equal("b1:9092,10.1.1.1:9092", Assert.Single(options.DialAddresses).ToString());
        Assert.False(options.DynamicListeners.Enabled);
        Assert.Equal("127.0.0.2", options.DynamicListeners.BindAddress);
        Assert.Equal(30000, options.DynamicListeners.SequentialMinPort);
        Assert.True(options.DynamicListeners.Deterministic);
        Assert.Equal((65536, 131072), (options.ListenerSockets.ReceiveBufferSize, options.ListenerSockets.SendBufferSize));
        Assert.Equal((1024, 2048), (options.UpstreamSockets.ReceiveBufferSize, options.UpstreamSockets.SendBufferSize));
        Assert.Equal(TimeSpan.Zero, options.UpstreamSockets.KeepAlive);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ListenerSockets.KeepAlive);
        Assert.Equal(64, options.MaxInFlightRequests);
        Assert.Equal(TimeSpan.FromSeconds(90), options.DialTimeout);
        Assert.Equal(TimeSpan.FromMinutes(6), options.UpstreamReadTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.WriteTimeout);
        Assert.Equal((1048576, 7), (options.MaxFrameSize, options.MaxConnections));
        Assert.Equal(TimeSpan.FromHours(2), options.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(45), options.DrainTimeout);
    }

    [Theory]
    [InlineData("--nope", "Unknown flag --nope")]
    [InlineData("stray", "Unexpected argument 'stray'")]
    [InlineData("--kafka-dial-timeout", "--kafka-dial-timeout needs a value")]
    [InlineData("--kafka-dial-timeout=10", "--kafka-dial-timeout: '10' is not a duration")]
    [InlineData("--max-connections=-5", "--max-connections: '-5' is not a whole number")]
    [InlineData("--log-level=loud", "--log-level: 'loud' is not one of trace, debug, info, warn, error")]
    [InlineData("--deterministic-listeners=maybe", "--deterministic-listeners takes true or false")]
    [InlineData("--bootstrap-server-mapping=b1", "--bootstrap-server-mapping: 'b1' must be")]
    public void Parse_BadFlag_ThrowsWithTheFlagNamed(string arg, string expected)
    {
        var error = Assert.Throws<CommandLineException>(() => ServerCommandLine.Parse([arg]));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SwitchFalse_LeavesTheDefault()
    {
        Assert.True(Apply("--dynamic-listeners-disable=false").DynamicListeners.Enabled);
    }

    [Fact]
    public void Parse_HelpAndLogging_AreReported()
    {
        var line = ServerCommandLine.Parse(["-h", "--log-format", "JSON", "--log-level=warn"]);

        Assert.True(line.HelpRequested);
        Assert.Equal(("json", "warn"), (line.LogFormat, line.LogLevel));
        Assert.False(line.HasBrokerMappings);
    }

    [Fact]
    public void HelpText_ListsEveryFlagWithItsValue()
    {
        Assert.Contains("--kafka-dial-timeout <duration>", ServerCommandLine.HelpText, StringComparison.Ordinal);
        Assert.Contains("--dynamic-listeners-disable\n", ServerCommandLine.HelpText.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("250ms", 250)]
    [InlineData("1.5s", 1500)]
    [InlineData("1h2m3s", 3_723_000)]
    [InlineData("100us", 0.1)]
    public void GoDurationParse_GoSyntax_Milliseconds(string text, double milliseconds)
    {
        Assert.Equal(milliseconds, GoDuration.Parse(text).TotalMilliseconds, precision: 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("s")]
    [InlineData("5 s")]
    [InlineData("5d")]
    public void GoDurationParse_Malformed_Throws(string text)
    {
        Assert.Throws<FormatException>(() => GoDuration.Parse(text));
    }
}
