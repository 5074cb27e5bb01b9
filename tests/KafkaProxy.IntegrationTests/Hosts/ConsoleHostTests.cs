using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Testing;

namespace KafkaProxy.IntegrationTests.Hosts;

/// <summary>
/// The built <c>kafka-proxy</c> command, run as a separate process the way users run it. <see cref="NativeAotHostTests"/>
/// runs every scenario here again against the native AOT binary.
/// </summary>
[Collection(KafkaProxyProcesses.Name)]
public partial class ConsoleHostTests : IDisposable
{
    // Hosts started by this test, by process id and start time (an id alone may name another process by now): one a
    // failed test leaves running would hold its ports (the demo's 19092) for the next test.
    private readonly List<(int Id, DateTime StartTime)> _started = [];

    /// <summary>The kafka-proxy under test: here the solution's JIT build.</summary>
    private protected virtual KafkaProxyCommand Command => KafkaProxyCommand.Jit();

    public void Dispose()
    {
        foreach (var (id, startTime) in _started)
        {
            try
            {
                using var host = Process.GetProcessById(id);
                if (host.StartTime == startTime)
                {
                    KillIfRunning(host);
                }
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // Gone already, as it should be.
            }
        }

        GC.SuppressFinalize(this);
    }

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
    [InlineData("--http-listen-address=nohost", "KafkaProxy:Http:ListenAddress: 'nohost' is not host:port")]
    [InlineData("--chaos-api-address=nohost", "KafkaProxy:Chaos:ApiAddress: 'nohost' is not host:port")]
    [InlineData("--chaos-api-address=127.0.0.1:0", "KafkaProxy:Chaos:ApiAddress: '127.0.0.1:0' has port 0")]
    [InlineData("--max-connections=0", "KafkaProxy:MaxConnections is 0; it must be at least 1 connections. (from --max-connections)")]
    public async Task BadFlags_FailFastWithAClearMessageAndExitTwo(string flag, string expected)
    {
        var result = await Command.RunAsync(["server", "--bootstrap-server-mapping", "127.0.0.1:1,127.0.0.1:0", flag], Clients.Patience);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--max-connections=5", "KafkaProxy__Clusters__payments__MaxConnections", "KafkaProxy:MaxConnections is a setting of one cluster, but KafkaProxy:Clusters defines virtual clusters")]
    [InlineData("--http-disable", "KafkaProxy__Clusters__orders__MaxConection", "KafkaProxy:Clusters:orders:MaxConection is not a setting")]
    public async Task VirtualClusters_FromTheEnvironment_FlagsOfOneClusterOrBadKeysFailNamingTheKey(string flag, string variable, string expected)
    {
        var environment = new Dictionary<string, string>
        {
            ["KafkaProxy__Clusters__orders__Brokers"] = "127.0.0.1:1,127.0.0.1:0",
            ["KafkaProxy__Clusters__payments__Brokers"] = "127.0.0.1:2,127.0.0.1:0",
            [variable] = "5",
        };

        var result = await Command.RunAsync(["server", "--http-disable", flag], Clients.Patience, environment: environment);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(expected, result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("test cluster", result.StandardOutput, StringComparison.Ordinal); // no demo cluster with clusters configured
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
    public async Task SniFlags_KcatThroughOnePort_ListsEveryBrokerNamedByThePattern()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        using var pki = new Security.TestPki();
        var ca = pki.CreateAuthority("sni-ca");
        var server = pki.Issue(ca, "sni", ["*.kafka.localhost"]);
        using var host = StartHost("server", "--http-disable", "--sni-listener-address", "127.0.0.1:0", "--sni-bootstrap-host", "bootstrap.kafka.localhost",
            "--sni-host-pattern", "broker-$(nodeId).kafka.localhost", "--sni-upstream-bootstrap-servers", cluster.Brokers[0].Address,
            "--proxy-listener-tls-enable", "--proxy-listener-cert-file", server.CertFile, "--proxy-listener-key-file", server.KeyFile);
        try
        {
            string port = Address(await ReadUntilAsync(host, ListeningLine())).Port.ToString(CultureInfo.InvariantCulture);

            var listing = await ExternalProcess.RunAsync("kcat",
                ["-L", "-b", $"bootstrap.kafka.localhost:{port}", "-X", "security.protocol=ssl", "-X", $"ssl.ca.location={ca.CertFile}", "-X", "broker.address.family=v4"], Clients.Patience);

            Assert.True(listing.ExitCode == 0, listing.ToString());
            foreach (var broker in cluster.Brokers)
            {
                Assert.Contains($"broker {broker.Id} at broker-{broker.Id}.kafka.localhost:{port}", listing.StandardOutput, StringComparison.Ordinal);
            }
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task AuditLogFlag_KcatProduces_TheFileHoldsALineNamingTheTopic()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        cluster.CreateTopic("orders");
        string directory = Directory.CreateTempSubdirectory("kafka-proxy-audit-").FullName;
        string path = Path.Combine(directory, "audit.jsonl");
        using var host = StartHost("server", "--http-disable", "--audit-log", path, "--bootstrap-server-mapping", $"{cluster.Brokers[0].Address},127.0.0.1:0");
        try
        {
            string proxy = await ReadUntilAsync(host, ListeningLine());

            var produce = await ExternalProcess.RunAsync("kcat", ["-P", "-b", proxy, "-t", "orders"], Clients.Patience, "first\nsecond\n");

            Assert.True(produce.ExitCode == 0, produce.ToString());
            string[] lines = [];
            await Eventually.TrueAsync(() => (lines = ReadShared(path)).Length > 0, () => $"no audit line in {path}");
            var line = System.Text.Json.JsonDocument.Parse(lines[0]).RootElement;
            Assert.Equal("Produce", line.GetProperty("api_name").GetString());
            Assert.Equal("orders", line.GetProperty("topics")[0].GetProperty("name").GetString());
            Assert.Equal(0, line.GetProperty("result").GetInt32());
            Assert.Equal(proxy, line.GetProperty("listener").GetString());
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task AuditLogFlag_DirectoryMissing_StartFailsNamingTheSetting()
    {
        string path = $"/kafka-proxy-no-such-directory-{Guid.NewGuid():N}/audit.jsonl";

        var result = await Command.RunAsync(["server", "--http-disable", "--audit-log", path, "--bootstrap-server-mapping", "127.0.0.1:1,127.0.0.1:0"], Clients.Patience);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"KafkaProxy:Audit:Path '{path}' cannot be opened for appending audit lines", result.StandardError, StringComparison.Ordinal);
    }

    // The lines of a file another process may still be appending to.
    private static string[] ReadShared(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
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
    public async Task ChaosApiAddress_ToxiproxyApiListsEveryBroker_DisablingOneTakesItAwayUntilReset()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        int apiPort = FreePorts.FindRun(1);
        using var host = StartHost("server", "--http-disable", "--chaos-api-address", $"127.0.0.1:{apiPort}", "--bootstrap-server-mapping", $"{cluster.Brokers[0].Address},127.0.0.1:0");
        try
        {
            string proxy = await ReadUntilAsync(host, ListeningLine());
            var listing = await ExternalProcess.RunAsync("kcat", ["-L", "-b", proxy, "-m", "10"], Clients.Patience); // names every broker
            Assert.True(listing.ExitCode == 0, listing.ToString());
            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };

            string proxies = await api.GetStringAsync("/proxies");

            Assert.Equal(["broker-1", "broker-2", "broker-3"], System.Text.Json.Nodes.JsonNode.Parse(proxies)!.AsObject().Select(p => p.Key).Order());
            using (var disable = await api.PostAsync("/proxies/broker-1", new StringContent("{\"enabled\": false}", Encoding.UTF8, "application/json")))
            {
                Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
            }

            await ReadUntilAsync(host, new Regex("(Chaos API: proxy broker-1 disabled)")); // on record (5010)
            string[] address = proxy.Split(':');
            using (var refused = new TcpClient())
            {
                await refused.ConnectAsync(address[0], int.Parse(address[1], CultureInfo.InvariantCulture));
                Assert.Equal(0, await refused.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(Clients.Patience)); // accepted and closed
            }

            using (var reset = await api.PostAsync("/reset", null))
            {
                Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
            }

            var again = await ExternalProcess.RunAsync("kcat", ["-L", "-b", proxy, "-m", "10"], Clients.Patience);
            Assert.True(again.ExitCode == 0, again.ToString());
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
        int httpPort = FreePorts.FindRun(1);
        using var host = StartHost("server", "--http-listen-address", $"127.0.0.1:{httpPort}", "--http-metrics-path", "/prom");
        try
        {
            string proxy = await ReadProxyAddressAsync(host);
            var produce = await ExternalProcess.RunAsync("kcat", ["-P", "-b", proxy, "-t", "demo"], Clients.Patience, "one\ntwo\n");
            Assert.True(produce.ExitCode == 0, produce.ToString());
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };

            Assert.Equal("Healthy", await http.GetStringAsync("/health"));
            Assert.Equal("Healthy", await http.GetStringAsync("/ready"));
            var metrics = PrometheusScrape.Parse(await http.GetStringAsync("/prom"));

            // The Go kafka-proxy's five names and labels, each with its label set exactly.
            Assert.Contains(metrics.Samples, s => s.Name == "proxy_requests_total" && s.Value > 0 && s.Labels["api_key"] == "0"
                && LabelsAre(s, "broker", "api_key", "api_version") && BrokerLabel().IsMatch(s.Labels["broker"]));
            Assert.Equal("gauge", metrics.Types["proxy_opened_connections"]);
            Assert.Contains(metrics.Samples, s => s.Name == "proxy_opened_connections" && LabelsAre(s, "broker"));
            foreach (string name in (string[])["proxy_connections_total", "proxy_requests_bytes", "proxy_responses_bytes"])
            {
                Assert.Equal("counter", metrics.Types[name]);
                Assert.Contains(metrics.Samples, s => s.Name == name && s.Value > 0 && LabelsAre(s, "broker") && BrokerLabel().IsMatch(s.Labels["broker"]));
            }

            Assert.Equal("histogram", metrics.Types["proxy_request_duration_seconds"]);
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
    public async Task SocketCompletions_InlineByDefault_AnOperatorsZeroKeepsTheThreadPoolHandOff()
    {
        // The runtime polls sockets with one thread per core when completions run inline, one in all otherwise (below
        // 30 cores): the count of its polling threads shows which the host chose.
        Assert.True(Environment.ProcessorCount > 1, "this test tells the two modes apart by their polling threads, which needs two cores");
        Assert.Equal(Environment.ProcessorCount, await SocketPollingThreadsAsync(new Dictionary<string, string>()));
        Assert.Equal(1, await SocketPollingThreadsAsync(new Dictionary<string, string> { ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "0" }));
    }

    private async Task<int> SocketPollingThreadsAsync(IReadOnlyDictionary<string, string> environment)
    {
        using var host = StartHost(environment, "server", "--http-disable");
        try
        {
            string proxy = await ReadProxyAddressAsync(host);
            var listing = await ExternalProcess.RunAsync("kcat", ["-L", "-b", proxy, "-m", "10"], Clients.Patience);
            Assert.True(listing.ExitCode == 0, listing.ToString());
            return Directory.GetDirectories($"/proc/{host.Id}/task")
                .Count(task => File.ReadAllText(Path.Combine(task, "comm")).Trim() == ".NET Sockets");
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

    [Theory]
    [InlineData("broker")]
    [InlineData("http")]
    public async Task Server_PortInUse_OneLineSaysWhichAndNoStackUnlessDebug(string taken)
    {
        // Used to print the line, and before it the host's "Hosting failed to start" with the whole stack.
        using var inUse = new TcpListener(IPAddress.Loopback, 0);
        inUse.Start();
        int port = ((IPEndPoint)inUse.LocalEndpoint).Port;
        string[] args = taken == "broker"
            ? ["server", "--http-disable", "--bootstrap-server-mapping", $"127.0.0.1:1,127.0.0.1:{port}"]
            : ["server", "--http-listen-address", $"127.0.0.1:{port}", "--bootstrap-server-mapping", "127.0.0.1:1,127.0.0.1:0"];
        string expected = taken == "broker"
            ? $"kafka-proxy: Cannot listen on 127.0.0.1:{port} for broker 127.0.0.1:1: Address already in use. Choose another local port."
            : $"kafka-proxy: Failed to bind to address http://127.0.0.1:{port}: address already in use.";

        var result = await Command.RunAsync(args, Clients.Patience);
        var debug = await Command.RunAsync([.. args, "--log-level", "debug"], Clients.Patience);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([expected], result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.False(HasStack(result.StandardOutput), result.ToString());
        Assert.Equal(2, debug.ExitCode);
        Assert.Contains(expected, debug.StandardError, StringComparison.Ordinal);
        Assert.Contains("[9002] Start-up failed", debug.StandardOutput, StringComparison.Ordinal);
        Assert.True(HasStack(debug.StandardOutput), debug.ToString());
    }

    [Fact]
    public async Task DescriptorLimit_IdleConnectionsUntilRefused_LimitFitsRefusalsAreCleanAndTheListenerServesAgain()
    {
        // Under 1,024 descriptors the default MaxConnections (10,000) ran the process out of them: accept failed and the
        // listener ended for good while /ready said 200, and each failed broker socket was logged with a stack.
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        int httpPort = FreePorts.FindRun(1);
        using var host = Command.StartUnder(["prlimit", "--nofile=1024:1024"],
            "server", "--http-listen-address", $"127.0.0.1:{httpPort}", "--bootstrap-server-mapping", $"{cluster.Brokers[0].Address},127.0.0.1:0");
        var output = new HostOutput(host);
        try
        {
            // Said at start: the effective limit, two descriptors per connection.
            int limit = int.Parse(AcceptingAtMost().Match(await output.WaitForLineAsync("[1022]")).Groups[1].Value, CultureInfo.InvariantCulture);
            var (proxyHost, proxyPort) = Address(ListeningLine().Match(await output.WaitForLineAsync("Listening on ")).Groups[1].Value);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
            (await ConnectHttpAsync(httpPort, output)).Dispose();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/ready")).StatusCode);

            var idle = new List<TcpClient>();
            try
            {
                for (int i = 0; i < limit; i++)
                {
                    idle.Add(new TcpClient());
                    await idle[^1].ConnectAsync(proxyHost, proxyPort);
                }

                using (var refused = new TcpClient())
                {
                    await refused.ConnectAsync(proxyHost, proxyPort);
                    await AssertClosedAsync(refused, output);
                }

                Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/ready")).StatusCode);
                await output.WaitForLineAsync($"as many as the limit (MaxConnections) of {limit}");
            }
            finally
            {
                idle.ForEach(c => c.Dispose());
            }

            await ReadyAgainAsync(http, output);
            await using var client = await RawKafkaClient.ConnectAsync(proxyHost, proxyPort);
            await client.SendAsync(18, 0, false, _ => { });
            await StopAsync(host, output);
        }
        finally
        {
            KillIfRunning(host);
        }

        Assert.Contains(output.Lines, l => l.Contains("[1007] Refused a connection", StringComparison.Ordinal));
        Assert.DoesNotContain(output.Lines, HasStack);
    }

    [Fact]
    public async Task DescriptorLimit_BrokerNames2000BrokersUnder1024Descriptors_ListenersStopShortOfTheLimitAndTheProcessLives()
    {
        // Answers naming many brokers started a listener each until descriptors ran out (1,768 of them); under 1,024
        // the process then aborted, because the runtime could not start a thread without a descriptor.
        var named = Enumerable.Range(1, 2000).Select(i => new ScriptedBroker.NamedBroker(i, Encoding.UTF8.GetBytes($"broker-{i}.invalid"), 9092)).ToArray();
        await using var broker = new ScriptedBroker(() => named);
        using var host = Command.StartUnder(["prlimit", "--nofile=1024:1024"], "server", "--http-disable", "--bootstrap-server-mapping", $"127.0.0.1:{broker.Port},127.0.0.1:0");
        var output = new HostOutput(host);
        try
        {
            var (proxyHost, proxyPort) = Address(ListeningLine().Match(await output.WaitForLineAsync("Listening on ")).Groups[1].Value);

            await using (var asking = await RawKafkaClient.ConnectAsync(proxyHost, proxyPort))
            {
                var error = await Record.ExceptionAsync(() => asking.SendAsync(3, 1, false, b => b.WriteArrayLength(-1, compact: false)));
                Assert.True(error is IOException or EndOfStreamException, $"expected the proxy to close the connection, got {error?.ToString() ?? "an answer"}\n{output}");
            }

            string refused = await output.WaitForLineAsync("[1019]");
            Assert.Contains("file descriptors it may open (RLIMIT_NOFILE)", refused, StringComparison.Ordinal);
            int started = output.Lines.Count(l => l.Contains("[1002]", StringComparison.Ordinal));
            Assert.InRange(started, 500, 1000);

            // The process has descriptors left for everything else: another client is served.
            await using var client = await RawKafkaClient.ConnectAsync(proxyHost, proxyPort);
            await client.SendAsync(18, 0, false, _ => { });
            await StopAsync(host, output);
        }
        finally
        {
            KillIfRunning(host);
        }

        Assert.DoesNotContain(output.Lines, l => l.Contains("[1016]", StringComparison.Ordinal));
        Assert.DoesNotContain(output.Lines, HasStack);
    }

    // ApiVersions v0, correlation id 42, null client id.
    private protected static readonly byte[] ApiVersionsV0Request = [0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 42, 0xFF, 0xFF];

    // The answer to a request sent on a raw connection (its correlation id), or null when the proxy closed it instead.
    private protected static async Task<int?> ReadAnswerOrCloseAsync(TcpClient client)
    {
        var size = new byte[4];
        try
        {
            await client.GetStream().ReadExactlyAsync(size).AsTask().WaitAsync(Clients.Patience);
            var response = new byte[System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(size)];
            await client.GetStream().ReadExactlyAsync(response).AsTask().WaitAsync(Clients.Patience);
            return System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(response);
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException)
        {
            return null;
        }
    }

    // A line of a logged exception: its type, or a frame of its stack (single-line logs keep the frames on one line).
    private protected static bool HasStack(string text) => text.Contains("Exception", StringComparison.Ordinal) || text.Contains("   at ", StringComparison.Ordinal);

    private protected static (string Host, int Port) Address(string hostPort)
    {
        int colon = hostPort.LastIndexOf(':');
        return (hostPort[..colon], int.Parse(hostPort[(colon + 1)..], CultureInfo.InvariantCulture));
    }

    private protected static async Task AssertClosedAsync(TcpClient client, HostOutput output)
    {
        try
        {
            int read = await client.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(Clients.Patience);
            Assert.True(read == 0, $"expected the proxy to close the connection, got a byte\n{output}");
        }
        catch (IOException)
        {
            // A reset is a close too.
        }
    }

    // The HTTP endpoints start after the proxy's listeners: connects until one is accepted.
    private protected static async Task<TcpClient> ConnectHttpAsync(int port, HostOutput output)
    {
        using var timeout = new CancellationTokenSource(Clients.Patience);
        while (true)
        {
            var client = new TcpClient();
            try
            {
                await client.ConnectAsync("127.0.0.1", port);
                return client;
            }
            catch (SocketException) when (!timeout.IsCancellationRequested)
            {
                client.Dispose();
                await Task.Delay(50);
            }
            catch
            {
                client.Dispose();
                throw new InvalidOperationException($"nothing listens on HTTP port {port}:\n{output}");
            }
        }
    }

    private protected static async Task ReadyAgainAsync(HttpClient http, HostOutput output)
    {
        using var timeout = new CancellationTokenSource(Clients.Patience);
        while ((await http.GetAsync("/ready")).StatusCode != HttpStatusCode.OK)
        {
            Assert.False(timeout.IsCancellationRequested, $"/ready did not answer 200 again within {Clients.Patience}:\n{output}");
            await Task.Delay(100);
        }
    }

    // SIGTERM: a process that survived exits 0 after draining.
    private protected static async Task StopAsync(Process host, HostOutput output)
    {
        Assert.False(host.HasExited, output.ToString());
        var signal = await ExternalProcess.RunAsync("kill", ["-TERM", host.Id.ToString(CultureInfo.InvariantCulture)], Clients.Patience);
        Assert.Equal(0, signal.ExitCode);
        await host.WaitForExitAsync().WaitAsync(Clients.Patience);
        await output.ClosedAsync();
        Assert.True(host.ExitCode == 0, $"exit {host.ExitCode}\n{output}");
    }

    private protected static void KillIfRunning(Process host)
    {
        if (!host.HasExited)
        {
            host.Kill(entireProcessTree: true);
            host.WaitForExit();
        }
    }

    // The soft "Max open files" of a process, from /proc/<pid>/limits.
    private protected static string SoftDescriptorLimit(int pid) =>
        File.ReadLines($"/proc/{pid}/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];

    private protected static async Task SetSoftDescriptorLimitAsync(string pid, string soft)
    {
        var result = await ExternalProcess.RunAsync("prlimit", ["--pid", pid, $"--nofile={soft}:"], Clients.Patience);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    // A GET on an open HTTP/1.1 connection; returns the status code and reads the whole response, chunked or not.
    private protected static async Task<int> GetStatusAsync(Stream stream, StreamReader reader, string path)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        string status = await reader.ReadLineAsync().WaitAsync(Clients.Patience) ?? throw new EndOfStreamException();
        int length = 0;
        bool chunked = false;
        while (await reader.ReadLineAsync() is { Length: > 0 } header)
        {
            if (header.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(header["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
            }

            chunked |= header.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase);
        }

        if (chunked)
        {
            while (int.Parse((await reader.ReadLineAsync())!, NumberStyles.HexNumber, CultureInfo.InvariantCulture) is int chunk and > 0)
            {
                await reader.ReadBlockAsync(new char[chunk + 2]); // the chunk and its CRLF
            }

            await reader.ReadLineAsync(); // the empty line after the last chunk
        }
        else
        {
            await reader.ReadBlockAsync(new char[length]);
        }

        return int.Parse(status.Split(' ')[1], CultureInfo.InvariantCulture);
    }

    // Starts kafka-proxy with stdout and stderr captured.
    private Process StartHost(params string[] args)
    {
        var host = Command.Start(args);
        _started.Add((host.Id, host.StartTime));
        return host;
    }

    // Starts kafka-proxy with stdout and stderr captured and environment variables added.
    private Process StartHost(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var host = Command.Start(environment, args);
        _started.Add((host.Id, host.StartTime));
        return host;
    }

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

    private static bool LabelsAre(PrometheusScrape.Sample sample, params string[] names) => sample.Labels.Keys.Order(StringComparer.Ordinal).SequenceEqual(names.Order(StringComparer.Ordinal));

    [GeneratedRegex(@"^127\.0\.0\.1:\d+$")]
    private static partial Regex BrokerLabel();

    [GeneratedRegex(@"test cluster \(([^)]+)\)")]
    private static partial Regex ClusterLine();

    [GeneratedRegex(@"kcat -L -b (\S+)")]
    private static partial Regex KcatLine();

    [GeneratedRegex(@"Listening on (\S+) for broker ")]
    private protected static partial Regex ListeningLine();

    [GeneratedRegex(@"accepting at most (\d+)")]
    private static partial Regex AcceptingAtMost();
}
