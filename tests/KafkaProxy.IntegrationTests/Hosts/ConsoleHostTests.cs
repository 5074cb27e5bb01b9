using System.Diagnostics;
using System.Text.RegularExpressions;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;

namespace KafkaProxy.IntegrationTests.Hosts;

/// <summary>
/// The built <c>kafka-proxy</c> command, run as a separate process the way users run it. <see cref="NativeAotHostTests"/>
/// runs every scenario here again against the native AOT binary.
/// </summary>
[Collection(KafkaProxyProcesses.Name)]
public partial class ConsoleHostTests
{
    /// <summary>The kafka-proxy under test: here the solution's JIT build.</summary>
    private protected virtual KafkaProxyCommand Command => KafkaProxyCommand.Jit();

    [Fact]
    public async Task Help_ListsGoCompatibleFlagsAndExitsZero()
    {
        var result = await Command.RunAsync(["server", "--help"], Clients.Patience);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--bootstrap-server-mapping <broker:port,local:port[,advertised:port]>", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("--dynamic-listeners-disable", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--no-such-flag", "Unknown flag --no-such-flag")]
    [InlineData("--kafka-dial-timeout=ten", "KafkaProxy:DialTimeout: 'ten' is not a duration such as 500ms, 15s, 5m, 1h30m or 00:05:00. (from --kafka-dial-timeout)")]
    [InlineData("--bootstrap-server-mapping=onlyhost", "KafkaProxy:Brokers (item 2): 'onlyhost' must be 'broker:port,local:port'")]
    [InlineData("--max-connections=0", "KafkaProxy:MaxConnections is 0; it must be at least 1 connections. (from --max-connections)")]
    public async Task BadFlags_FailFastWithAClearMessageAndExitTwo(string flag, string expected)
    {
        var result = await Command.RunAsync(["server", "--bootstrap-server-mapping", "127.0.0.1:1,127.0.0.1:0", flag], Clients.Patience);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_FlagBeatsEnvironmentBeatsFile_EachNamedInTheMessage()
    {
        string directory = Directory.CreateTempSubdirectory("kafka-proxy-settings-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "appsettings.json"), """
                { "KafkaProxy": { "Brokers": [ "127.0.0.1:1,127.0.0.1:0" ], "MaxConnections": -1, "IdleTimeout": "-1s", "DrainTimeout": "-2s", "ClientAuth": { "Timout": "5s" } } }
                """);
            var environment = new Dictionary<string, string> { ["KafkaProxy__IdleTimeout"] = "-3s", ["KafkaProxy__DrainTimeout"] = "-4s" };

            var result = await Command.RunAsync(["server", "--http-disable", "--drain-timeout", "-5s"], Clients.Patience, workingDirectory: directory, environment: environment);

            Assert.Equal(2, result.ExitCode);
            string[] lines = result.StandardError.Split('\n', StringSplitOptions.TrimEntries);
            Assert.Contains("KafkaProxy:MaxConnections is -1; it must be at least 1 connections.", lines);
            Assert.Contains(lines, l => l.StartsWith("KafkaProxy:IdleTimeout is -00:00:03;", StringComparison.Ordinal) && !l.Contains("(from", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("KafkaProxy:DrainTimeout is -00:00:05;", StringComparison.Ordinal) && l.EndsWith("(from --drain-timeout)", StringComparison.Ordinal));
            Assert.Contains("KafkaProxy:ClientAuth:Timout is not a setting: remove it or correct its name. Did you mean KafkaProxy:ClientAuth:Timeout?", lines);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task PolicyFlag_KcatWithLeaderAcks_RefusedWithPolicyViolation_DefaultAcksPass()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        cluster.CreateTopic("orders");
        using var host = StartHost("server", "--http-disable", "--policy-require-acks", "all", "--bootstrap-server-mapping", $"{cluster.Brokers[0].Address},127.0.0.1:0");
        try
        {
            string proxy = await ReadUntilAsync(host, ListeningLine());

            var leader = await ExternalProcess.RunAsync("kcat", ["-P", "-b", proxy, "-t", "orders", "-X", "acks=1", "-X", "message.timeout.ms=10000"], Clients.Patience, "refused\n");
            var all = await ExternalProcess.RunAsync("kcat", ["-P", "-b", proxy, "-t", "orders", "-X", "acks=all"], Clients.Patience, "accepted\n");
            var consume = await ExternalProcess.RunAsync("kcat", ["-C", "-b", cluster.BootstrapServers, "-t", "orders", "-o", "beginning", "-e", "-q"], Clients.Patience);

            Assert.Contains("Policy violation", leader.StandardError, StringComparison.OrdinalIgnoreCase);
            Assert.True(all.ExitCode == 0, all.ToString());
            Assert.Equal(["accepted"], consume.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Server_MappingToATestCluster_KcatProducesAndConsumesThroughTheProxy()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        cluster.CreateTopic("orders", partitions: 3);
        using var host = StartHost("server", "--http-disable", "--bootstrap-server-mapping", $"{cluster.Brokers[0].Address},127.0.0.1:0");
        try
        {
            string proxy = await ReadUntilAsync(host, ListeningLine());

            var produce = await ExternalProcess.RunAsync("kcat", ["-P", "-b", proxy, "-t", "orders"], Clients.Patience, "first\nsecond\nthird\n");
            var consume = await ExternalProcess.RunAsync("kcat", ["-C", "-b", proxy, "-t", "orders", "-o", "beginning", "-e", "-q"], Clients.Patience);
            var listing = await ExternalProcess.RunAsync("kcat", ["-L", "-b", proxy, "-m", "10"], Clients.Patience);

            Assert.True(produce.ExitCode == 0, produce.ToString());
            Assert.True(consume.ExitCode == 0, consume.ToString());
            Assert.Equal(["first", "second", "third"], consume.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
            Assert.True(listing.ExitCode == 0, listing.ToString());
            Assert.Equal(3, Regex.Count(listing.StandardOutput, @"broker \d at 127\.0\.0\.1:\d+"));
            Assert.All(cluster.Brokers, real => Assert.DoesNotContain(real.Address, listing.StandardOutput, StringComparison.Ordinal));
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task NoArguments_StartsDemoClusterAndProxy_KcatSeesOnlyProxyAddresses()
    {
        using var host = StartHost();
        try
        {
            var seen = new List<string>();
            string proxy = await ReadProxyAddressAsync(host, seen).WaitAsync(Clients.Patience); // the whole banner within the patience
            string[] realBrokers = seen.Select(l => ClusterLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value.Split(',')).Single();

            Assert.Equal(3, realBrokers.Length);

            var listing = await ExternalProcess.RunAsync("kcat", ["-L", "-b", proxy, "-m", "10"], Clients.Patience);
            Assert.True(listing.ExitCode == 0, listing.ToString());
            Assert.Equal(3, Regex.Count(listing.StandardOutput, @"broker \d at 127\.0\.0\.1:\d+"));
            Assert.All(realBrokers, real => Assert.DoesNotContain(real, listing.StandardOutput, StringComparison.Ordinal));
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task HttpEndpoints_AfterTraffic_HealthReadyAndGoCompatibleMetrics()
    {
        int httpPort = SampleHost.FreePort();
        using var host = StartHost("server", "--http-listen-address", $"127.0.0.1:{httpPort}", "--http-metrics-path", "/prom");
        try
        {
            string proxy = await ReadProxyAddressAsync(host);
            var produce = await ExternalProcess.RunAsync("kcat", ["-P", "-b", proxy, "-t", "demo"], Clients.Patience, "one\ntwo\n");
            Assert.True(produce.ExitCode == 0, produce.ToString());
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };

            Assert.Equal("Healthy", await http.GetStringAsync("/health"));
            Assert.Equal("Healthy", await http.GetStringAsync("/ready"));
            string metrics = await http.GetStringAsync("/prom");

            Assert.Matches(@"proxy_requests_total\{broker=""127\.0\.0\.1:\d+"",api_key=""0"",api_version=""\d+""\} [1-9]", metrics);
            Assert.Contains("# TYPE proxy_opened_connections gauge", metrics, StringComparison.Ordinal);
            Assert.Matches(@"proxy_connections_total\{broker=""127\.0\.0\.1:\d+""\} [1-9]", metrics);
            Assert.Matches(@"proxy_requests_bytes\{broker=""127\.0\.0\.1:\d+""\} [1-9]", metrics);
            Assert.Matches(@"proxy_responses_bytes\{broker=""127\.0\.0\.1:\d+""\} [1-9]", metrics);
            Assert.Contains("proxy_request_duration_seconds_bucket{", metrics, StringComparison.Ordinal);
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task LogFormatJson_EveryStdoutLineIsOneJsonObjectWithEventId()
    {
        using var host = StartHost("server", "--log-format", "json", "--http-disable");
        try
        {
            while (true)
            {
                string line = await host.StandardOutput.ReadLineAsync().WaitAsync(Clients.Patience) ?? throw new InvalidOperationException("kafka-proxy exited early");
                using var json = System.Text.Json.JsonDocument.Parse(line); // throws if a line is not JSON
                if (json.RootElement.GetProperty("EventId").GetInt32() == 1001)
                {
                    Assert.Contains("Listening on 127.0.0.1:", json.RootElement.GetProperty("Message").GetString(), StringComparison.Ordinal);
                    Assert.Equal("Information", json.RootElement.GetProperty("LogLevel").GetString());
                    break;
                }
            }
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Sigterm_WhileServing_DrainsAndExitsZero()
    {
        using var host = StartHost("server", "--http-disable");
        string proxy = await ReadProxyAddressAsync(host);
        var listing = await ExternalProcess.RunAsync("kcat", ["-L", "-b", proxy, "-m", "10"], Clients.Patience);
        Assert.True(listing.ExitCode == 0, listing.ToString());

        var signal = await ExternalProcess.RunAsync("kill", ["-TERM", host.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], Clients.Patience);
        Assert.Equal(0, signal.ExitCode);
        string rest = await host.StandardOutput.ReadToEndAsync().WaitAsync(Clients.Patience);
        await host.WaitForExitAsync().WaitAsync(Clients.Patience);

        Assert.Equal(0, host.ExitCode);
        Assert.Contains("Stopping: listeners closed, draining", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialsCommand_LinesServeAuthLocal_KcatAuthenticatesAndAClientWithoutSaslCannotList()
    {
        var missingUser = await Command.RunAsync(["credentials"], Clients.Patience, "x\n");
        Assert.Equal(2, missingUser.ExitCode);
        Assert.Contains("--username is required", missingUser.StandardError, StringComparison.Ordinal);

        var made = await Command.RunAsync(["credentials", "--username", "app"], Clients.Patience, "cli-SECRET-9f3a\n");
        Assert.True(made.ExitCode == 0, made.ToString());
        string[] lines = made.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.DoesNotContain("cli-SECRET-9f3a", made.StandardOutput, StringComparison.Ordinal);
        string directory = Directory.CreateTempSubdirectory("kafka-proxy-cli-auth-").FullName;
        try
        {
            string users = Path.Combine(directory, "users.txt");
            await File.WriteAllLinesAsync(users, lines);
            using var host = StartHost("server", "--http-disable", "--auth-local-enable", "--auth-local-credentials-file", users, "--auth-local-mechanism", "SCRAM-SHA-256,SCRAM-SHA-512");
            try
            {
                string proxy = await ReadProxyAddressAsync(host);

                var authenticated = await ExternalProcess.RunAsync("kcat",
                    ["-L", "-b", proxy, "-m", "10", "-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanisms=SCRAM-SHA-256", "-X", "sasl.username=app", "-X", "sasl.password=cli-SECRET-9f3a"],
                    Clients.Patience);
                var anonymous = await ExternalProcess.RunAsync("kcat", ["-L", "-b", proxy, "-m", "3"], Clients.Patience);

                Assert.True(authenticated.ExitCode == 0, authenticated.ToString());
                Assert.Equal(3, Regex.Count(authenticated.StandardOutput, @"broker \d at 127\.0\.0\.1:\d+"));
                Assert.NotEqual(0, anonymous.ExitCode);
            }
            finally
            {
                host.Kill(entireProcessTree: true);
                await host.WaitForExitAsync();
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // Starts kafka-proxy with stdout and stderr captured.
    private Process StartHost(params string[] args) => Command.Start(args);

    // Reads stdout up to the printed kcat command and returns the proxy address in it; earlier lines go to seen.
    private static Task<string> ReadProxyAddressAsync(Process host, List<string>? seen = null) => ReadUntilAsync(host, KcatLine(), seen);

    // Reads stdout up to a line the pattern matches and returns the pattern's first group.
    private static async Task<string> ReadUntilAsync(Process host, Regex pattern, List<string>? seen = null)
    {
        while (true)
        {
            string line = await host.StandardOutput.ReadLineAsync().WaitAsync(Clients.Patience) ?? throw new InvalidOperationException("kafka-proxy exited early: " + await host.StandardError.ReadToEndAsync());
            seen?.Add(line);
            var match = pattern.Match(line);
            if (match.Success)
            {
                return match.Groups[1].Value;
            }
        }
    }

    [GeneratedRegex(@"test cluster \(([^)]+)\)")]
    private static partial Regex ClusterLine();

    [GeneratedRegex(@"kcat -L -b (\S+)")]
    private static partial Regex KcatLine();

    [GeneratedRegex(@"Listening on (\S+) for broker ")]
    private static partial Regex ListeningLine();
}
