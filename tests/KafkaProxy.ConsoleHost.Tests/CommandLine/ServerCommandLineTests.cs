using KafkaProxy.ConsoleHost.CommandLine;

namespace KafkaProxy.ConsoleHost.Tests.CommandLine;

public sealed class ServerCommandLineTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static ServerCommandLine Parse(params string[] args) => ServerCommandLine.Parse(args, NoEnvironment);

    private static IReadOnlyDictionary<string, string?> Settings(params string[] args)
    {
        var line = Parse(args);
        Assert.Empty(line.Errors);
        return line.Settings;
    }

    [Fact]
    public void Parse_GoStyleFlags_SetTheirKeysWithTheTextGiven()
    {
        var settings = Settings(
            "--bootstrap-server-mapping", "b1:9092,127.0.0.1:19092",
            "--bootstrap-server-mapping=b2:9092,127.0.0.1:19093,proxy:19093",
            "--external-server-mapping", "b3:9092,elsewhere:9092",
            "--dial-address-mapping", "b1:9092,10.1.1.1:9092",
            "--dynamic-listeners-disable",
            "--default-listener-ip", "127.0.0.2", "--dynamic-advertised-listener", "proxy.example",
            "--dynamic-sequential-min-port=30000", "--deterministic-listeners",
            "--proxy-listener-read-buffer-size", "65536", "--proxy-listener-write-buffer-size", "131072",
            "--kafka-connection-read-buffer-size", "1024", "--kafka-connection-write-buffer-size", "2048",
            "--kafka-keep-alive", "0", "--proxy-listener-keep-alive", "30s",
            "--kafka-max-open-requests", "64", "--kafka-dial-timeout", "1m30s",
            "--kafka-read-timeout", "6m", "--kafka-write-timeout", "500ms",
            "--max-frame-size", "1048576", "--max-connections", "7", "--idle-timeout", "2h", "--drain-timeout", "45s");

        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["KafkaProxy:Brokers"] = "b1:9092,127.0.0.1:19092;b2:9092,127.0.0.1:19093,proxy:19093",
                ["KafkaProxy:ExternalServers"] = "b3:9092,elsewhere:9092",
                ["KafkaProxy:DialAddresses"] = "b1:9092,10.1.1.1:9092",
                ["KafkaProxy:DynamicListeners:Enabled"] = "false",
                ["KafkaProxy:DynamicListeners:BindAddress"] = "127.0.0.2",
                ["KafkaProxy:DynamicListeners:AdvertisedHost"] = "proxy.example",
                ["KafkaProxy:DynamicListeners:SequentialMinPort"] = "30000",
                ["KafkaProxy:DynamicListeners:Deterministic"] = "true",
                ["KafkaProxy:ListenerSockets:ReceiveBufferSize"] = "65536",
                ["KafkaProxy:ListenerSockets:SendBufferSize"] = "131072",
                ["KafkaProxy:ListenerSockets:KeepAlive"] = "30s",
                ["KafkaProxy:UpstreamSockets:ReceiveBufferSize"] = "1024",
                ["KafkaProxy:UpstreamSockets:SendBufferSize"] = "2048",
                ["KafkaProxy:UpstreamSockets:KeepAlive"] = "0",
                ["KafkaProxy:MaxInFlightRequests"] = "64",
                ["KafkaProxy:DialTimeout"] = "1m30s",
                ["KafkaProxy:UpstreamReadTimeout"] = "6m",
                ["KafkaProxy:WriteTimeout"] = "500ms",
                ["KafkaProxy:MaxFrameSize"] = "1048576",
                ["KafkaProxy:MaxConnections"] = "7",
                ["KafkaProxy:IdleTimeout"] = "2h",
                ["KafkaProxy:DrainTimeout"] = "45s",
            },
            settings.OrderBy(s => s.Key, StringComparer.Ordinal).ToDictionary());
    }

    [Fact]
    public void Parse_NoFlags_SetsNothing()
    {
        var line = Parse();

        Assert.Empty(line.Errors);
        Assert.Empty(line.Settings);
        Assert.Empty(line.EnvironmentSettings);
        Assert.False(line.HelpRequested);
    }

    [Fact]
    public void Parse_ValuesAreNotChecked_TheyArePassedOnForTheBinderToName()
    {
        var settings = Settings("--kafka-dial-timeout=10", "--max-connections", "-5", "--bootstrap-server-mapping=b1", "--sasl-method", "GSSAPI");

        Assert.Equal("10", settings["KafkaProxy:DialTimeout"]);
        Assert.Equal("-5", settings["KafkaProxy:MaxConnections"]);
        Assert.Equal("b1", settings["KafkaProxy:Brokers"]);
        Assert.Equal("GSSAPI", settings["KafkaProxy:UpstreamSasl:Mechanism"]);
    }

    [Fact]
    public void Parse_ValueFlagTwice_TheLastWins()
    {
        Assert.Equal("5m", Settings("--idle-timeout", "1m", "--idle-timeout=5m")["KafkaProxy:IdleTimeout"]);
    }

    [Fact]
    public void Parse_ValueThatLooksLikeAFlag_IsTheValue()
    {
        // As in Go's flag package: a flag that takes a value takes the next argument, whatever it is.
        Assert.Equal("--tls-enable", Settings("--sasl-password", "--tls-enable")["KafkaProxy:UpstreamSasl:Password"]);
        Assert.Equal("@secrets.txt", Settings("--sasl-password", "@secrets.txt")["KafkaProxy:UpstreamSasl:Password"]);
    }

    [Theory]
    [InlineData("--tls-enable", "true")]
    [InlineData("--tls-enable=true", "true")]
    [InlineData("--tls-enable=false", "false")]
    [InlineData("--tls-enable=FALSE", "false")]
    [InlineData("--tls-enable false", "false")]
    [InlineData("--tls-enable=false --tls-enable", "true")]
    [InlineData("--tls-enable --tls-enable=false", "false")]
    [InlineData("--tls-enable=true --tls-enable=false", "false")]
    public void Parse_Switch_WritesTrueOrFalseAndTheLastWins(string args, string value)
    {
        Assert.Equal(value, Settings(args.Split(' '))["KafkaProxy:UpstreamTls:Enabled"]);
    }

    [Theory]
    [InlineData("--dynamic-listeners-disable", "false")]
    [InlineData("--dynamic-listeners-disable=false", "true")]
    public void Parse_InvertedSwitch_WritesTheOpposite(string arg, string enabled)
    {
        Assert.Equal(enabled, Settings(arg)["KafkaProxy:DynamicListeners:Enabled"]);
    }

    [Theory]
    [InlineData("--nope", "Unknown flag --nope. Run 'kafka-proxy server --help' for the list.")]
    [InlineData("--nope=3", "Unknown flag --nope. Run 'kafka-proxy server --help' for the list.")]
    [InlineData("stray", "Unexpected argument 'stray': flags start with --. Run 'kafka-proxy server --help' for the list.")]
    [InlineData("-x", "Unexpected argument '-x': flags start with --. Run 'kafka-proxy server --help' for the list.")]
    [InlineData("server", "Unexpected argument 'server': flags start with --. Run 'kafka-proxy server --help' for the list.")]
    [InlineData("[diagram]", "Unexpected argument '[diagram]': flags start with --. Run 'kafka-proxy server --help' for the list.")]
    [InlineData("@flags.rsp", "Unexpected argument '@flags.rsp': flags start with --. Run 'kafka-proxy server --help' for the list.")]
    [InlineData("--kafka-dial-timeout", "--kafka-dial-timeout needs a value: --kafka-dial-timeout <duration>.")]
    [InlineData("--kafka-dial-timeout=", "--kafka-dial-timeout needs a value: --kafka-dial-timeout <duration>.")]
    [InlineData("--log-level=loud", "--log-level: 'loud' is not one of trace, debug, info, warn, error.")]
    [InlineData("--log-format=xml", "--log-format: 'xml' is not one of text, json.")]
    [InlineData("--deterministic-listeners=maybe", "--deterministic-listeners takes true or false, not 'maybe'.")]
    [InlineData("--deterministic-listeners=1", "--deterministic-listeners takes true or false, not '1'.")]
    public void Parse_BadCommandLine_NamesTheFlagOrArgument(string arg, string expected)
    {
        var line = Parse(arg);

        Assert.Equal([expected], line.Errors);
    }

    [Fact]
    public void Parse_SwitchFollowedByAnArgument_LeavesTheArgumentUnexpected()
    {
        Assert.Equal(["--tls-enable takes true or false, not 'stray'."], Parse("--tls-enable", "stray").Errors);
    }

    [Fact]
    public void Parse_UnknownFlagWithAValue_ReportsOnlyTheFlag()
    {
        Assert.Equal(["Unknown flag --nope. Run 'kafka-proxy server --help' for the list."], Parse("--nope", "value", "--idle-timeout", "1m").Errors);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEach()
    {
        var line = Parse("--log-level", "loud", "--idle-timeout");

        Assert.Equal(["--idle-timeout needs a value: --idle-timeout <duration>.", "--log-level: 'loud' is not one of trace, debug, info, warn, error."], line.Errors.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Parse_HelpAndLogging_AreReported()
    {
        var line = Parse("-h", "--log-format", "JSON", "--log-level=warn");

        Assert.True(line.HelpRequested);
        Assert.Equal("json", line.Settings["Logging:Console:FormatterName"]);
        Assert.Equal("Warning", line.Settings["Logging:LogLevel:Default"]);
        Assert.False(line.Settings.ContainsKey("KafkaProxy:Brokers"));
    }

    [Theory]
    [InlineData("trace", "Trace")]
    [InlineData("debug", "Debug")]
    [InlineData("info", "Information")]
    [InlineData("warn", "Warning")]
    [InlineData("error", "Error")]
    public void Parse_LogLevel_WritesTheLevelLoggingReads(string level, string setting)
    {
        Assert.Equal(setting, Settings("--log-level", level)["Logging:LogLevel:Default"]);
    }

    [Theory]
    [InlineData("text", "simple")]
    [InlineData("json", "json")]
    public void Parse_LogFormat_WritesTheConsoleFormatterName(string format, string formatter)
    {
        Assert.Equal(formatter, Settings("--log-format", format)["Logging:Console:FormatterName"]);
    }

    [Fact]
    public void Parse_HttpFlags_SetTheHostsKeys()
    {
        var settings = Settings(
            "--http-listen-address", "0.0.0.0:9080", "--http-health-path", "/healthz", "--http-ready-path=/readyz",
            "--http-metrics-path", "/m", "--http-disable");

        Assert.Equal("0.0.0.0:9080", settings["KafkaProxy:Http:ListenAddress"]);
        Assert.Equal(("/healthz", "/readyz", "/m"), (settings["KafkaProxy:Http:HealthPath"], settings["KafkaProxy:Http:ReadyPath"], settings["KafkaProxy:Http:MetricsPath"]));
        Assert.Equal("false", settings["KafkaProxy:Http:Enabled"]);
    }

    [Fact]
    public void FlagFor_KeyAFlagSet_NamesTheFlagInAnyCase()
    {
        var line = Parse("--idle-timeout", "5x", "--tls-enable");

        Assert.Equal("--idle-timeout", line.FlagFor("KafkaProxy:IdleTimeout"));
        Assert.Equal("--idle-timeout", line.FlagFor("kafkaproxy:idletimeout"));
        Assert.Equal("--tls-enable", line.FlagFor("KafkaProxy:UpstreamTls:Enabled"));
        Assert.Null(line.FlagFor("KafkaProxy:DrainTimeout"));
    }

    [Fact]
    public void HelpText_ListsEveryFlagWithItsValue()
    {
        string help = ServerCommandLine.HelpText.ReplaceLineEndings("\n");

        Assert.StartsWith("Usage: kafka-proxy server [flags]\n", help, StringComparison.Ordinal);
        Assert.Contains("  --bootstrap-server-mapping <broker:port,local:port[,advertised:port]>\n      Listen on local:port for broker:port;", help, StringComparison.Ordinal);
        Assert.Contains("  --kafka-dial-timeout <duration>\n      How long connecting to a broker may take (default 15s). [KafkaProxy:DialTimeout]\n", help, StringComparison.Ordinal);
        Assert.Contains("  --dynamic-listeners-disable\n", help, StringComparison.Ordinal);
        Assert.All(ServerFlags.All, f => Assert.Contains($"  {f.Flag}{(f.ValueName is null ? "\n" : $" <{f.ValueName}>\n")}      {f.Help}{(f.Key is null ? "" : $" [{f.Key}]")}\n", help, StringComparison.Ordinal));
    }
}
