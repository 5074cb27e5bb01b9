using System.Diagnostics;
using System.Globalization;
using KafkaProxy.Load.Cluster;
using KafkaProxy.Load.Hosting;
using KafkaProxy.Load.Reporting;
using KafkaProxy.Load.Scenarios;
using KafkaProxy.Load.Wire;
using static KafkaProxy.Load.Progress;

namespace KafkaProxy.Load;

/// <summary>
/// Starts the cluster and the proxy as processes of their own, runs every scenario direct and proxied in interleaved
/// rounds (direct first in odd rounds, proxied first in even ones), the idle-connection test, and writes the results.
/// </summary>
internal static class RunCommand
{
    // Per proxied connection the proxy holds two descriptors (client and upstream); this leaves room for the rest.
    private const int SpareDescriptors = 200;

    // A 1-minute load average at or above this, before any work of ours, means something else is using the cores.
    private const double SharedMachineLoad = 0.5;

    public static async Task<int> RunAsync(LoadSettings settings)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var machine = MachineInfo.Read();
        var notes = new List<string>();
        double loadBefore = double.Parse(machine.LoadAverage.Split(' ')[0], CultureInfo.InvariantCulture);
        if (loadBefore >= SharedMachineLoad)
        {
            notes.Add($"The machine was shared: its 1-minute load average was {loadBefore:F2} before this program started any work (other builds and tests). Expect ratios to move by several percent between runs and a noisy latency tail.");
        }

        Say($"machine: {machine.Cores} cores, {machine.Cpu}, load {machine.LoadAverage}, open files limit {machine.OpenFilesLimit}");

        await using var cluster = await ClusterProcess.StartAsync(settings.LogDirectory);
        Say($"cluster process {cluster.ProcessId}: {cluster.BootstrapServers}");
        int maxConnections = settings.ConnectionCounts.Max() + 100;
        var comparisons = new List<Comparison>();
        ProxyCost wholeRun;
        await using (var proxy = await ProxyProcess.StartAsync(settings.ProxyPath, cluster.Brokers, maxConnections, settings.ProxyEnvironment, settings.LogDirectory))
        {
            Say($"proxy process {proxy.ProcessId}: {proxy.BootstrapServers}");
            if (!(await proxy.ScrapeAsync()).Has("dotnet_gc_collections"))
            {
                notes.Add("The proxy does not export the System.Runtime meter, so its GC counts and allocations are n/a.");
            }

            var wholeRunStart = (Process: proxy.Sample(), Metrics: await proxy.ScrapeAsync());
            var direct = new Target("direct", cluster.Brokers);
            var proxied = new Target("proxied", proxy.Listeners);
            foreach (var scenario in ComparedScenarios.All(settings).Where(s => settings.Includes(s.Id)))
            {
                var rounds = await InterleavedRounds.RunAsync(scenario, direct, [(direct, proxy), (proxied, proxy)], settings.Rounds);
                comparisons.Add(new Comparison(rounds, direct.Name, proxied.Name));
            }

            // The HTTP gateway against a direct producer: its own process; the proxy idles meanwhile.
            int[] gatewayClients = [1, 8, 64];
            if (gatewayClients.Any(c => settings.Includes($"gateway-{c}")))
            {
                await using var gateway = await GatewayProcess.StartAsync(settings.GatewayPath, cluster.BootstrapServers, BenchTopics.Gateway.Name, settings.LogDirectory);
                foreach (int clients in gatewayClients.Where(c => settings.Includes($"gateway-{c}")))
                {
                    var scenario = new GatewayThroughputScenario(clients, gateway.Address, settings.ProduceDuration);
                    var viaGateway = direct with { Name = "gateway" };
                    var rounds = await InterleavedRounds.RunAsync(scenario, direct, [(direct, proxy), (viaGateway, proxy)], settings.Rounds);
                    comparisons.Add(new Comparison(rounds, direct.Name, viaGateway.Name));
                }
            }

            wholeRun = ProxyCost.Between(wholeRunStart.Process, wholeRunStart.Metrics, proxy.Sample(), await proxy.ScrapeAsync());
            var afterLoad = await proxy.ScrapeAsync();
            if (afterLoad.Refusals() is { } refusals)
            {
                notes.Add($"The proxy refused requests or closed connections: {refusals}");
            }

            var requests = afterLoad.Describe("proxy_requests_total");
            await File.WriteAllTextAsync(Path.Combine(settings.LogDirectory, "proxy-requests.txt"), requests.Replace(", {", "\n{", StringComparison.Ordinal) + "\n");
        }

        // A fresh proxy for the idle connections: after the load runs its heap holds free space that new connections
        // would reuse without growing the RSS, which would flatter the figure.
        var connections = new List<ConnectionScaleResult>();
        await using (var proxy = await ProxyProcess.StartAsync(settings.ProxyPath, cluster.Brokers, maxConnections, settings.ProxyEnvironment, settings.LogDirectory))
        {
            foreach (int count in settings.Includes("connections") ? settings.ConnectionCounts : [])
            {
                long needed = (2L * count) + SpareDescriptors;
                if (machine.OpenFilesLimit > 0 && needed > machine.OpenFilesLimit)
                {
                    string skipped = $"{count:N0} idle connections skipped: the proxy needs about {needed:N0} file descriptors (client and upstream socket each), the open-files limit is {machine.OpenFilesLimit:N0}.";
                    notes.Add(skipped);
                    Say(skipped);
                    continue;
                }

                ConnectionScaleResult result;
                try
                {
                    result = await new ConnectionScaleScenario(proxy, count).RunAsync();
                }
                catch (TimeoutException ex)
                {
                    // The rest of the report stands: the count that did not fit is a note, not a lost run.
                    notes.Add($"{count:N0} idle connections: {ex.Message}.");
                    Say($"{count:N0} idle connections: {ex.Message}");
                    continue;
                }

                connections.Add(result);
                Say($"{count:N0} idle connections: proxy RSS {Mib(result.RssBeforeBytes)} -> {Mib(result.RssAfterBytes)}, {result.RssBytesPerConnection / 1024:F1} KiB per connection");
            }
        }

        var report = new LoadReport(started, clock.Elapsed, settings.Command, Environment.GetEnvironmentVariable("BENCH_REVISION") ?? "unknown",
            settings.Rounds, settings.ProxyEnvironment, machine, MachineInfo.CurrentLoadAverage(), comparisons, connections, notes, wholeRun);
        Directory.CreateDirectory(settings.OutputDirectory);
        await ReportWriter.WriteAsync(report, settings.OutputDirectory);
        Say($"done in {clock.Elapsed.TotalSeconds:F0} s: {Path.Combine(settings.OutputDirectory, ReportWriter.MarkdownFile)}");
        return 0;
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MiB");
}
