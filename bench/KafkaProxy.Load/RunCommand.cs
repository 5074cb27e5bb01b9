using System.Diagnostics;
using System.Globalization;
using KafkaProxy.Load.Cluster;
using KafkaProxy.Load.Hosting;
using KafkaProxy.Load.Reporting;
using KafkaProxy.Load.Scenarios;
using KafkaProxy.Load.Wire;

namespace KafkaProxy.Load;

/// <summary>
/// Starts the cluster and the proxy as processes of their own, runs every scenario direct then proxied (in rounds),
/// the idle-connection test, and writes the results.
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
        var proxy = await ProxyProcess.StartAsync(settings.ProxyPath, cluster.Brokers, maxConnections, settings.ProxyEnvironment, settings.LogDirectory);
        Say($"proxy process {proxy.ProcessId}: {proxy.BootstrapServers}");
        if (!(await proxy.ScrapeAsync()).Has("dotnet_gc_collections"))
        {
            notes.Add("The proxy does not export the System.Runtime meter, so its GC counts and allocations are n/a.");
        }

        var wholeRunStart = (Process: proxy.Sample(), Metrics: await proxy.ScrapeAsync());
        var direct = new Target("direct", cluster.Brokers);
        var proxied = new Target("proxied", proxy.Listeners);
        var comparisons = new List<Comparison>();
        foreach (var scenario in ComparedScenarios.All(settings).Where(s => settings.Includes(s.Id)))
        {
            comparisons.Add(await CompareAsync(scenario, direct, proxied, proxy, settings.Rounds));
        }

        // The HTTP gateway against a direct producer: its own process; the proxy idles meanwhile.
        int[] gatewayClients = [1, 8, 64];
        if (gatewayClients.Any(c => settings.Includes($"gateway-{c}")))
        {
            await using var gateway = await GatewayProcess.StartAsync(settings.GatewayPath, cluster.BootstrapServers, BenchTopics.Gateway.Name, settings.LogDirectory);
            foreach (int clients in gatewayClients.Where(c => settings.Includes($"gateway-{c}")))
            {
                comparisons.Add(await CompareAsync(new GatewayThroughputScenario(clients, gateway.Address, settings.ProduceDuration), direct, direct with { Name = "gateway" }, proxy, settings.Rounds));
            }
        }

        var wholeRun = ProxyCost.Between(wholeRunStart.Process, wholeRunStart.Metrics, proxy.Sample(), await proxy.ScrapeAsync());
        var requests = (await proxy.ScrapeAsync()).Describe("proxy_requests_total");
        await File.WriteAllTextAsync(Path.Combine(settings.LogDirectory, "proxy-requests.txt"), requests.Replace(", {", "\n{", StringComparison.Ordinal) + "\n");
        await proxy.DisposeAsync();

        // A fresh proxy for the idle connections: after the load runs its heap holds free space that new connections
        // would reuse without growing the RSS, which would flatter the figure.
        proxy = await ProxyProcess.StartAsync(settings.ProxyPath, cluster.Brokers, maxConnections, settings.ProxyEnvironment, settings.LogDirectory);
        var connections = new List<ConnectionScaleResult>();
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

            var result = await new ConnectionScaleScenario(proxy, count).RunAsync();
            connections.Add(result);
            Say($"{count:N0} idle connections: proxy RSS {Mib(result.RssBeforeBytes)} -> {Mib(result.RssAfterBytes)}, {result.RssBytesPerConnection / 1024:F1} KiB per connection");
        }

        await proxy.DisposeAsync();
        var report = new LoadReport(started, clock.Elapsed, settings.Command, Environment.GetEnvironmentVariable("BENCH_REVISION") ?? "unknown",
            settings.Rounds, settings.ProxyEnvironment, machine, MachineInfo.CurrentLoadAverage(), comparisons, connections, notes, wholeRun);
        Directory.CreateDirectory(settings.OutputDirectory);
        await ReportWriter.WriteAsync(report, settings.OutputDirectory);
        Say($"done in {clock.Elapsed.TotalSeconds:F0} s: {Path.Combine(settings.OutputDirectory, ReportWriter.MarkdownFile)}");
        return 0;
    }

    private static async Task<Comparison> CompareAsync(IComparedScenario scenario, Target direct, Target proxied, ProxyProcess proxy, int rounds)
    {
        Say($"{scenario.Id}: {scenario.Description}");
        await scenario.PrepareAsync(direct);
        var directRounds = new List<IReadOnlyList<Figure>>();
        var proxiedRounds = new List<IReadOnlyList<Figure>>();
        var cost = ProxyCost.Zero;
        var steadyCost = ProxyCost.Zero;
        for (int round = 0; round < rounds; round++)
        {
            // The direct run scrapes the proxy at the same points, so both sides pause alike.
            var directFigures = await scenario.RunAsync(direct, new SteadyStateProbe(proxy));
            directRounds.Add(directFigures);
            var probe = new SteadyStateProbe(proxy);
            var (proxiedFigures, roundCost) = await ProxyCostMeter.MeasureAsync(proxy, () => scenario.RunAsync(proxied, probe));
            proxiedRounds.Add(proxiedFigures);
            cost = cost.Add(roundCost);
            var steady = probe.Cost ?? throw new InvalidOperationException($"{scenario.Id} did not mark its steady window");
            steadyCost = steadyCost.Add(steady);
            var rejected = await proxy.ScrapeAsync();
            if (rejected.Sum("proxy_frames_rejected_total") > 0)
            {
                Say($"  the proxy has closed connections: {rejected.Describe("proxy_frames_rejected_total")}");
            }

            Say($"  round {round + 1}: direct {Describe(directFigures)} | proxied {Describe(proxiedFigures)} | proxy steady {steady.CpuMicrosPerRequest:F1} µs CPU/request, {steady.AllocatedBytesPerRequest:F1} B/request");
        }

        return new Comparison(scenario.Id, scenario.Description, Comparison.Best(directRounds), Comparison.Best(proxiedRounds), cost, steadyCost);
    }

    private static string Describe(IReadOnlyList<Figure> figures) =>
        string.Join(", ", figures.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Name} {f.Value:N1} {f.Unit}")));

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MiB");

    private static void Say(string line) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.UtcNow:HH:mm:ss}] {line}"));
}
