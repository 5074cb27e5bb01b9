using System.Diagnostics;
using System.Globalization;
using KafkaProxy.Load.Cluster;
using KafkaProxy.Load.Hosting;
using KafkaProxy.Load.Reporting;
using KafkaProxy.Load.Scenarios;
using static KafkaProxy.Load.Progress;

namespace KafkaProxy.Load;

/// <summary>
/// Proxy builds and settings side by side: the proxy under test (<c>--proxy</c>), an older build
/// (<c>--baseline-proxy</c>) and the proxy under test with extra flags (<c>--variant</c>), each a process of its own
/// in front of one cluster, all running for the whole program. Each scenario runs through each proxy in turn, in
/// rounds whose order reverses every other round (A B C, C B A, A B C...), and the proxy's cost over the run's steady
/// window is read from that proxy alone. Medians of the rounds, never the best round.
/// </summary>
internal static class CompareCommand
{
    public const string MarkdownFile = "compare.md";

    private static readonly string[] DefaultScenarios = ["produce-100B-batch1", "produce-1024B", "latency-ApiVersions"];

    private const int MaxConnections = 1000;

    public static async Task<int> RunAsync(LoadSettings settings)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var machine = MachineInfo.Read();
        var notes = new List<string>();
        var proxies = ProxyVariant.From(settings);
        var selected = ComparedScenarios.All(settings)
            .Where(s => settings.ScenarioFilter.Count == 0 ? DefaultScenarios.Contains(s.Id) : settings.Includes(s.Id))
            .ToList();
        if (selected.Count == 0)
        {
            throw new InvalidOperationException($"--scenarios {string.Join(',', settings.ScenarioFilter)} names no scenario.");
        }

        Say($"machine: {machine.Cores} cores, {machine.Cpu}, load {machine.LoadAverage}");
        await using var cluster = await ClusterProcess.StartAsync(settings.LogDirectory);
        Say($"cluster process {cluster.ProcessId}: {cluster.BootstrapServers}");
        var running = new List<(ProxyVariant Variant, ProxyProcess Process)>();
        var results = new List<ScenarioRounds>();
        try
        {
            foreach (var variant in proxies)
            {
                var process = await ProxyProcess.StartAsync(variant.Executable, cluster.Brokers, MaxConnections, settings.ProxyEnvironment, settings.LogDirectory, "proxy-" + variant.Name, variant.Arguments);
                running.Add((variant, process));
                Say($"proxy '{variant.Name}' process {process.ProcessId}: {process.BootstrapServers} ({variant.Describe()})");
                if (!(await process.ScrapeAsync()).Has("dotnet_gc_collections"))
                {
                    notes.Add($"Proxy '{variant.Name}' does not export the System.Runtime meter, so its GC counts and allocations are n/a.");
                }
            }

            var direct = new Target("direct", cluster.Brokers);
            var sides = running.Select(p => (new Target(p.Variant.Name, p.Process.Listeners), p.Process)).ToList();
            foreach (var scenario in selected)
            {
                results.Add(await InterleavedRounds.RunAsync(scenario, direct, sides, settings.Rounds, settings.CountSyscalls));
            }

            foreach (var (variant, process) in running)
            {
                if ((await process.ScrapeAsync()).Refusals() is { } refusals)
                {
                    notes.Add($"Proxy '{variant.Name}' refused requests or closed connections: {refusals}");
                }
            }
        }
        finally
        {
            foreach (var (_, process) in running)
            {
                await process.DisposeAsync();
            }
        }

        var report = new CompareReport(started, clock.Elapsed, settings.Command, Environment.GetEnvironmentVariable("BENCH_REVISION") ?? "unknown",
            settings.Rounds, settings.ProxyEnvironment, machine, MachineInfo.CurrentLoadAverage(), proxies, results, notes);
        string path = await PublishAsync(settings.OutputDirectory, MarkdownFile, CompareReportWriter.Markdown(report));
        Say($"done in {clock.Elapsed.TotalSeconds:F0} s: {path}");
        return 0;
    }
}
