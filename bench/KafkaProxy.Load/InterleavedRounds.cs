using System.Globalization;
using KafkaProxy.Load.Hosting;
using KafkaProxy.Load.Reporting;
using KafkaProxy.Load.Scenarios;
using static KafkaProxy.Load.Progress;

namespace KafkaProxy.Load;

/// <summary>
/// Runs one scenario on every side in turn, in rounds whose order reverses every other round (A B C, C B A, A B C...),
/// so that no side always runs first, or right after the same one. Each side names the proxy whose cost is read over
/// its runs; a direct side names the proxy that idles meanwhile, which is scraped at the same points so that both
/// sides pause alike. Shared by <c>run</c> (direct and proxied) and <c>compare</c> (proxy builds and settings).
/// </summary>
internal static class InterleavedRounds
{
    public static async Task<ScenarioRounds> RunAsync(
        IComparedScenario scenario, Target direct, IReadOnlyList<(Target Target, ProxyProcess Proxy)> sides, int rounds, bool countSyscalls = false)
    {
        Say($"{scenario.Id}: {scenario.Description}");
        await scenario.PrepareAsync(direct);
        var results = new List<SideRound>();
        for (int round = 1; round <= rounds; round++)
        {
            var order = round % 2 == 1 ? sides : sides.Reverse().ToList();
            for (int place = 0; place < order.Count; place++)
            {
                var (target, proxy) = order[place];
                await using var syscalls = countSyscalls ? await SyscallCounter.StartAsync(proxy.ProcessId) : null;
                var probe = new SteadyStateProbe(proxy, syscalls);
                var (figures, whole) = await ProxyCostMeter.MeasureAsync(proxy, () => scenario.RunAsync(target, probe));
                var steady = probe.Cost ?? throw new InvalidOperationException($"{scenario.Id} did not mark its steady window");
                var result = new SideRound(round, place + 1, target.Name, figures, steady, whole, syscalls is null ? null : await syscalls.StopAsync());
                results.Add(result);
                Say($"  round {round} {target.Name}: {Describe(figures)} | {DescribeCost(result)}");
            }
        }

        return new ScenarioRounds(scenario.Id, scenario.Description, results);
    }

    private static string Describe(IReadOnlyList<Figure> figures) =>
        string.Join(", ", figures.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Name} {f.Value:N1} {f.Unit}")));

    private static string DescribeCost(SideRound r)
    {
        var s = r.Steady;
        if (!(s.Requests > 0))
        {
            return "proxy idle";
        }

        string cost = string.Create(CultureInfo.InvariantCulture,
            $"proxy steady {s.CpuMicrosPerRequest:F2} µs CPU/request, {s.CpuSecondsPerGigabyte:F2} CPU s/GB, {s.AllocatedBytesPerRequest:F2} B/request, {s.Requests:N0} requests, gen0 {s.Gen0}");
        return r.Syscalls is null
            ? cost
            : cost + string.Create(CultureInfo.InvariantCulture, $", {r.SyscallsPerRequest:F2} syscalls/request ({r.SendsPerRequest:F2} sends)");
    }
}
