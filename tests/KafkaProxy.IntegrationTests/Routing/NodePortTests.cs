using System.Text.RegularExpressions;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using KafkaProxy.IntegrationTests.Security;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.IntegrationTests.Routing;

/// <summary>Node-id ports: broker N on base + N, the same after a restart; node ids beyond the allowed range refused.</summary>
public sealed partial class NodePortTests
{
    [Fact]
    public async Task KcatList_BeforeAndAfterARestart_ShowsEveryBrokerOnBasePlusItsNodeId()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        int basePort = FreePorts.FindRun(5) + 1; // base - 1 (a bootstrap listener) to base + 3 (node 3)
        string bootstrap = $"127.0.0.1:{basePort - 1}";

        var before = await ListThroughAProxyAsync(cluster, basePort, bootstrap);
        var after = await ListThroughAProxyAsync(cluster, basePort, bootstrap);

        var expected = cluster.Brokers.Select(b => $"{b.Id} 127.0.0.1:{basePort + b.Id}").Order().ToList();
        Assert.Equal(expected, before);
        Assert.Equal(expected, after);
    }

    [Fact]
    public async Task Response_NamingANodeAboveNodeIdMax_IsRefusedWithTheReasonLogged()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        var options = Options(cluster, FreePorts.FindRun(4), bootstrapPort: 0);
        options.NodePorts.NodeIdMax = 1;
        var logs = new CapturingLoggerProvider();
        using var metrics = new MetricCapture();
        await using var engine = new ProxyEngine(options, new LoggerFactory([logs]), metrics.Factory);
        await engine.StartAsync();

        await ExternalProcess.RunAsync("kcat", ["-b", engine.Listeners.Single().Advertised.ToString(), "-L", "-m", "5"], Clients.Patience);

        string line = await logs.WaitForLineAsync("node ids from 0 to 1 get a port");
        Assert.StartsWith("Warning 1019 ", line, StringComparison.Ordinal);
        Assert.True(metrics.Sum("proxy_dynamic_listeners_refused_total", ("reason", "node_id_max")) >= 1, logs.ToString());
        Assert.DoesNotContain(engine.Listeners, l => l.IsDynamic && l.Advertised.Port > options.NodePorts.Base + 1);
    }

    internal static KafkaProxyOptions Options(KafkaTestCluster cluster, int basePort, int bootstrapPort)
    {
        var options = new KafkaProxyOptions { DrainTimeout = TimeSpan.FromSeconds(10) };
        options.Brokers.Add(new BrokerMapping { Upstream = new HostPort("127.0.0.1", cluster.Brokers[0].Port), Listen = new HostPort("127.0.0.1", bootstrapPort) });
        options.NodePorts.Base = basePort;
        options.NodePorts.NodeIdMax = 100;
        return options;
    }

    // Starts a proxy, lists the cluster through it with kcat, stops it; returns "id host:port" per broker.
    private static async Task<List<string>> ListThroughAProxyAsync(KafkaTestCluster cluster, int basePort, string bootstrap)
    {
        await using var engine = new ProxyEngine(Options(cluster, basePort, HostPort.Parse(bootstrap).Port));
        await engine.StartAsync();
        var listing = await ExternalProcess.RunAsync("kcat", ["-b", bootstrap, "-L"], Clients.Patience);
        Assert.True(listing.ExitCode == 0, listing.ToString());
        return [.. BrokerLine().Matches(listing.StandardOutput).Select(m => $"{m.Groups["id"].Value} {m.Groups["address"].Value}").Order()];
    }

    [GeneratedRegex(@"broker (?<id>\d+) at (?<address>\S+:\d+)")]
    private static partial Regex BrokerLine();
}
