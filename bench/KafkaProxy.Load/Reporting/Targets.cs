using System.Globalization;

namespace KafkaProxy.Load.Reporting;

/// <summary>
/// The targets of the performance issue, checked against a run. Measured here, never asserted in tests. Every figure
/// is a median of the run's interleaved rounds: a ratio to direct is the median of the per-round ratios (proxied
/// round i over direct round i), an added latency the median of the per-round differences, a proxy cost the median
/// over the proxied rounds of that round's steady window.
/// </summary>
internal static class Targets
{
    private const double RequestBoundRatio = 0.95;
    private const double BatchedRatio = 0.97;
    private const double ConsumeRatio = 0.97;
    private const double GatewayRatio = 0.6;
    private const double CpuMicrosPerRequest = 2.5;
    private const double CpuSecondsPerGigabyte = 0.4;
    public const double AddedP50Micros = 15;
    public const double AddedP99Micros = 50;
    private const double BytesPerIdleConnection = 8 * 1024;

    // The proxy also allocates a little on its own (timers, what is left of a scrape), spread over the window's
    // requests; under 1 B per request with no gen0 collection in any window counts as nothing allocated per frame.
    private const double NoAllocation = 1;

    private const string RequestBound = "produce-100B-batch1";
    private const string Batched1KiB = "produce-1024B";

    public static IEnumerable<(string Target, string Measured, bool? Met)> Evaluate(LoadReport report)
    {
        string rounds = report.Rounds == 1 ? "1 round" : $"median of {report.Rounds} interleaved rounds";
        foreach (var c in report.Comparisons.Where(c => c.Id.StartsWith("produce-", StringComparison.Ordinal) || c.Id.StartsWith("consume-", StringComparison.Ordinal)))
        {
            double limit = c.Id == RequestBound ? RequestBoundRatio : c.Id.StartsWith("consume-", StringComparison.Ordinal) ? ConsumeRatio : BatchedRatio;
            yield return Ratio(c, $"{c.Description}: proxied ≥ {limit:F2} × direct", limit, rounds);
        }

        if (Find(report, RequestBound) is { } requestBound)
        {
            var cpu = requestBound.Steady(s => s.CpuMicrosPerRequest);
            yield return ($"≤ {CpuMicrosPerRequest} µs proxy CPU per forwarded request (request-bound produce, steady window)",
                $"{cpu.Describe("F2")} µs ({rounds})", Below(cpu, CpuMicrosPerRequest));

            var allocated = requestBound.Steady(s => s.AllocatedBytesPerRequest);
            double gen0 = requestBound.SteadyCost.Gen0;
            yield return ("0 B allocated per pass-through frame (request-bound produce, steady window, the proxy's own GC counters)",
                $"{allocated.Describe("F2")} B per request ({rounds}), GC gen0 {Num(gen0)} over all windows",
                double.IsNaN(allocated.Median) ? null : allocated.Median < NoAllocation && gen0 == 0);
        }

        if (Find(report, Batched1KiB) is { } batched)
        {
            var perGigabyte = batched.Steady(s => s.CpuSecondsPerGigabyte);
            yield return ($"≤ {CpuSecondsPerGigabyte} proxy CPU-seconds per GB forwarded, requests and responses (batched 1 KiB produce, steady window)",
                $"{perGigabyte.Describe("F2")} CPU s/GB ({rounds})", Below(perGigabyte, CpuSecondsPerGigabyte));
        }

        foreach (var c in report.Comparisons.Where(c => c.Id.StartsWith("latency-", StringComparison.Ordinal)))
        {
            foreach (var (quantile, limit) in new[] { ("p50", AddedP50Micros), ("p99", AddedP99Micros) })
            {
                var added = c.Difference(quantile);
                yield return ($"added round trip ≤ {limit} µs at {quantile} (proxied − direct, same round), {c.Description}",
                    $"{Signed(added.Median)} µs [{Signed(added.Min)} – {Signed(added.Max)}] ({rounds}; {quantile} {Num(c.Direct(quantile).Median)} → {Num(c.Proxied(quantile).Median)} µs)",
                    Below(added, limit));
            }
        }

        if (report.Comparisons.FirstOrDefault(c => c.Id.StartsWith("consume-", StringComparison.Ordinal)) is { } consume)
        {
            var perFetch = consume.Steady(s => s.AllocatedBytesPerFetch);
            double gen0 = consume.SteadyCost.Gen0;
            yield return ("0 B allocated per Fetch response, which the proxy rewrites (consume, steady window)",
                $"{Bytes(perFetch)} per response ({rounds}; {consume.SteadyCost.FetchRequests:N0} Fetch responses in all windows), GC gen0/1/2 {Num(consume.SteadyCost.Gen0)}/{Num(consume.SteadyCost.Gen1)}/{Num(consume.SteadyCost.Gen2)}",
                double.IsNaN(perFetch.Median) ? null : perFetch.Median < NoAllocation && gen0 == 0);
        }

        foreach (var c in report.Comparisons.Where(c => c.Id.StartsWith("gateway-", StringComparison.Ordinal)))
        {
            var ratio = c.Ratio("throughput");
            yield return ($"{c.Description}: gateway ≥ {GatewayRatio:F1} × direct producer",
                $"{ratio.Describe("F3")} × ({rounds}; {Num(c.Proxied("throughput").Median)} vs {Num(c.Direct("throughput").Median)} msgs/s; p99 {Num(c.Proxied("p99").Median)} vs {Num(c.Direct("p99").Median)} ms)",
                ratio.Median >= GatewayRatio);
        }

        foreach (var s in report.Connections)
        {
            yield return ($"≤ {BytesPerIdleConnection / 1024:F0} KiB per idle client connection ({s.Connections:N0})", $"{s.RssBytesPerConnection / 1024:F1} KiB", s.RssBytesPerConnection <= BytesPerIdleConnection);
        }
    }

    private static (string, string, bool?) Ratio(Comparison c, string target, double limit, string rounds)
    {
        var ratio = c.Ratio("throughput");
        return (target, $"{ratio.Describe("F3")} × ({rounds}; {Num(c.Proxied("throughput").Median)} vs {Num(c.Direct("throughput").Median)} msgs/s)", ratio.Median >= limit);
    }

    private static Comparison? Find(LoadReport report, string id) => report.Comparisons.FirstOrDefault(c => c.Id == id);

    private static bool? Below(Spread value, double limit) => double.IsNaN(value.Median) ? null : value.Median <= limit;

    private static string Bytes(Spread s) => double.IsNaN(s.Median)
        ? "n/a"
        : $"{ReportWriter.Bytes(s.Median)} [{ReportWriter.Bytes(s.Min)} – {ReportWriter.Bytes(s.Max)}]";

    private static string Signed(double value) => value.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);

    private static string Num(double value) => ReportWriter.Num(value);
}
