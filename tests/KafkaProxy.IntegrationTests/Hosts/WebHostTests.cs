using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;

namespace KafkaProxy.IntegrationTests.Hosts;

/// <summary>The built HTTP gateway host (samples/KafkaProxy.WebHost), run as its own process.</summary>
public sealed partial class WebHostTests : IDisposable
{
    private const string Token = "web-host-token-93ad";
    private readonly List<Process> _started = [];

    // A failed test must not leave its host running.
    public void Dispose()
    {
        foreach (var process in _started)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }
    }

    [Fact]
    public async Task Sigterm_WithAHalfFullBuffer_FlushesEverythingAndExitsZero()
    {
        await using var cluster = await StartClusterAsync();
        var gateway = StartGateway(cluster, ("KAFKA_FLUSHER_NUM_MESSAGES", "1000"), ("KAFKA_FLUSHER_TIMEOUT", "3600"));
        using var http = await gateway.ConnectAsync();

        for (int post = 0; post < 3; post++)
        {
            using var response = await http.SendAsync(RunningGateway.PushRequest(RunningGateway.Frame(
                Enumerable.Range(0, 100).Select(i => Encoding.UTF8.GetBytes($"p{post}-{i}"))), token: Token));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var (exitCode, output) = await gateway.TerminateAsync();

        Assert.True(exitCode == 0, output);
        Assert.Contains("Flusher stopping: flushing 300 messages", output, StringComparison.Ordinal);
        Assert.Contains("Flusher stopped: every message was delivered", output, StringComparison.Ordinal);
        Assert.Equal(300, RunningGateway.ReadBack(cluster.BootstrapServers, RunningGateway.Topic, 300).Count);
    }

    [Fact]
    public async Task TopicSwitch_SurvivesARestartOfTheHost()
    {
        await using var cluster = await StartClusterAsync();
        cluster.CreateTopic("second");
        var state = Directory.CreateTempSubdirectory("gateway-state-");
        try
        {
            var cache = ("KAFKA_FLUSHER_TOPIC_CACHE", Path.Combine(state.FullName, "topic"));
            var first = StartGateway(cluster, cache);
            using (var http = await first.ConnectAsync())
            {
                using var switched = await http.SendAsync(RunningGateway.PushRequest([], "/topic/second", Token));
                Assert.Equal(HttpStatusCode.OK, switched.StatusCode);
            }

            var (firstExit, firstOutput) = await first.TerminateAsync();
            Assert.True(firstExit == 0, firstOutput);

            var second = StartGateway(cluster, cache);
            using (var http = await second.ConnectAsync())
            {
                using var pushed = await http.SendAsync(RunningGateway.PushRequest(RunningGateway.Frame([Encoding.UTF8.GetBytes("after restart")]), "/?wait=true", Token));
                Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);
                using var json = JsonDocument.Parse(await pushed.Content.ReadAsStringAsync());
                Assert.Equal("second", json.RootElement.GetProperty("offsets")[0].GetProperty("topic").GetString());
            }

            var (secondExit, secondOutput) = await second.TerminateAsync();
            Assert.True(secondExit == 0, secondOutput);
            Assert.Equal("second", File.ReadAllText(Path.Combine(state.FullName, "topic")).Trim());
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task NoToken_RefusesToStart_ExitTwoWithTheSetting()
    {
        var result = await ExternalProcess.RunAsync(
            "env",
            ["KAFKA_PROXY_KAFKA_SERVER=127.0.0.1:1", "KAFKA_PROXY_TOPIC=events", $"ASPNETCORE_URLS=http://127.0.0.1:{FreePorts.FindRun(1)}", "dotnet", SampleHost.WebHostDll],
            Clients.Patience);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("No token is configured: set KAFKA_PROXY_TOKEN", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoKafkaConfigured_StartsADemoCluster_PrintsTheTokenAndServes()
    {
        int port = FreePorts.FindRun(1);
        using var host = SampleHost.Start(SampleHost.WebHostDll, [], new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" });
        try
        {
            string token;
            while (true)
            {
                string line = await host.StandardOutput.ReadLineAsync().WaitAsync(Clients.Patience) ?? throw new InvalidOperationException("the web host exited: " + await host.StandardError.ReadToEndAsync());
                if (TokenLine().Match(line) is { Success: true } match)
                {
                    token = match.Groups[1].Value;
                    break;
                }
            }

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            using var response = await http.SendAsync(RunningGateway.PushRequest(RunningGateway.Frame([Encoding.UTF8.GetBytes("demo")]), "/?wait=true", token));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("\"topic\":\"events\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task PythonUrllibClient_FramedLikeTheExistingClients_MessagesArrive()
    {
        await using var gateway = await RunningGateway.StartAsync();
        const string script = """
            import struct, sys, urllib.request
            url, token = sys.argv[1], sys.argv[2]
            messages = [b"alpha", b"", bytes(range(256))]
            body = b"".join(struct.pack("<I", len(m)) + m for m in messages)
            request = urllib.request.Request(url, data=body, method="POST",
                headers={"x-kafka-proxy-token": token, "Content-Type": "application/octet-stream"})
            with urllib.request.urlopen(request) as response:
                print(response.status, response.read().decode())
            """;

        var result = await ExternalProcess.RunAsync("/usr/bin/python3", ["-c", script, gateway.Http.BaseAddress + "?wait=true", RunningGateway.Token], Clients.Patience);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("200 {\"messages\":3,", result.StandardOutput, StringComparison.Ordinal);
        var values = gateway.ReadBack(RunningGateway.Topic, 3).Select(r => Convert.ToHexString(r.Message.Value ?? [])).Order().ToList();
        Assert.Equal(new[] { "616C706861", "", Convert.ToHexString(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray()) }.Order(), values);
    }

    private static async Task<KafkaTestCluster> StartClusterAsync()
    {
        var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        cluster.CreateTopic(RunningGateway.Topic, partitions: 3);
        return cluster;
    }

    private GatewayProcess StartGateway(KafkaTestCluster cluster, params (string Name, string Value)[] settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["KAFKA_PROXY_KAFKA_SERVER"] = cluster.BootstrapServers,
            ["KAFKA_PROXY_TOKEN"] = Token,
            ["KAFKA_PROXY_TOPIC"] = RunningGateway.Topic,
        };
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        return GatewayProcess.Start(environment, _started);
    }




    [GeneratedRegex(@"takes token ([0-9a-f]+)")]
    private static partial Regex TokenLine();
}
