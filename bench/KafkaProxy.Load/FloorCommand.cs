using System.Diagnostics;
using KafkaProxy.Load.Hosting;
using KafkaProxy.Load.Reporting;
using KafkaProxy.Load.Scenarios;
using static KafkaProxy.Load.Progress;

namespace KafkaProxy.Load;

/// <summary>
/// The floor of added latency on this machine: the ping-pong latency scenario direct, through kafka-proxy and through
/// two reference forwarders that do nothing but copy bytes (<c>socat</c>, and <see cref="Forwarding.BlockingForwarder"/>
/// in a process of its own), each forwarding one port to broker 1, in the same interleaved rounds. What the simplest
/// forwarder adds is what any user-space forwarder pays on this machine before it does any work of its own.
/// </summary>
internal static class FloorCommand
{
    public const string MarkdownFile = "floor.md";

    public const string Proxied = "kafka-proxy";

    private static readonly string[] DefaultScenarios = ["latency-ApiVersions"];

    // One ping connection at a time.
    private const int MaxConnections = 100;

    public static async Task<int> RunAsync(LoadSettings settings)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var machine = MachineInfo.Read();

        // Only the ping-pong scenarios fit: they use one connection to broker 1 and never follow the addresses it
        // advertises, so a forwarder that rewrites nothing serves them as well as the proxy does.
        var selected = ComparedScenarios.All(settings)
            .OfType<RoundTripLatencyScenario>()
            .Where(s => settings.ScenarioFilter.Count == 0 ? DefaultScenarios.Contains(s.Id) : settings.Includes(s.Id))
            .ToList();
        if (selected.Count == 0)
        {
            throw new InvalidOperationException($"--scenarios {string.Join(',', settings.ScenarioFilter)} names no latency scenario (floor runs only latency-ApiVersions and latency-Metadata).");
        }

        Say($"machine: {machine.Cores} cores, {machine.Cpu}, load {machine.LoadAverage}");
        await using var cluster = await ClusterProcess.StartAsync(settings.LogDirectory);
        Say($"cluster process {cluster.ProcessId}: {cluster.BootstrapServers}");
        string broker = cluster.Brokers[0];
        await using var proxy = await ProxyProcess.StartAsync(settings.ProxyPath, cluster.Brokers, MaxConnections, settings.ProxyEnvironment, settings.LogDirectory);
        Say($"proxy process {proxy.ProcessId}: {proxy.BootstrapServers}");
        await using var socat = await ForwarderProcess.StartSocatAsync(broker, settings.LogDirectory);
        Say($"socat process {socat.ProcessId}: {socat.Address} -> {broker}");
        await using var blocking = await ForwarderProcess.StartBlockingAsync(broker, settings.LogDirectory);
        Say($"blocking forwarder process {blocking.ProcessId}: {blocking.Address} -> {broker}");

        // The forwarders export no metrics: their sides name the proxy, which idles meanwhile and is scraped at the same
        // points as in its own runs, so that every side pauses alike.
        var direct = new Target("direct", cluster.Brokers);
        (Target Target, ProxyProcess Proxy)[] sides =
        [
            (direct, proxy),
            (new Target(Proxied, proxy.Listeners), proxy),
            (new Target(socat.Name, [socat.Address]), proxy),
            (new Target(blocking.Name, [blocking.Address]), proxy),
        ];
        var results = new List<ScenarioRounds>();
        foreach (var scenario in selected)
        {
            results.Add(await InterleavedRounds.RunAsync(scenario, direct, sides, settings.Rounds));
        }

        var report = new FloorReport(started, clock.Elapsed, settings.Command, Environment.GetEnvironmentVariable("BENCH_REVISION") ?? "unknown",
            settings.Rounds, settings.Pings, settings.ProxyEnvironment, machine, MachineInfo.CurrentLoadAverage(), sides.Select(s => s.Target.Name).ToList(), results);
        string path = await PublishAsync(settings.OutputDirectory, MarkdownFile, FloorReportWriter.Markdown(report));
        Say($"done in {clock.Elapsed.TotalSeconds:F0} s: {path}");
        return 0;
    }
}
