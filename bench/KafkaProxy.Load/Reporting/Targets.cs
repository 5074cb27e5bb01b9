namespace KafkaProxy.Load.Reporting;

/// <summary>The targets of the benchmarks issue, checked against a run. Measured here, never asserted in tests.</summary>
internal static class Targets
{
    private const double BatchedRatio = 0.97;
    private const double RequestBoundRatio = 0.9;
    private const double CpuMicrosPerRequest = 10;
    private const double AddedP99Micros = 100;
    private const double BytesPerIdleConnection = 32 * 1024;

    public static IEnumerable<(string Target, string Measured, bool? Met)> Evaluate(LoadReport report)
    {
        foreach (var c in report.Comparisons)
        {
            if (c.Id.StartsWith("produce-", StringComparison.Ordinal))
            {
                double limit = c.Id.EndsWith("batch1", StringComparison.Ordinal) ? RequestBoundRatio : BatchedRatio;
                double ratio = c.Ratio("throughput");
                yield return ($"{c.Description}: proxied ≥ {limit:F2} × direct", $"{ratio:F3} × ({ReportWriter.Num(Comparison.Value(c.Proxied, "throughput"))} vs {ReportWriter.Num(Comparison.Value(c.Direct, "throughput"))} msgs/s)", ratio >= limit);
            }
        }

        var requestBound = report.Comparisons.FirstOrDefault(c => c.Id.EndsWith("batch1", StringComparison.Ordinal));
        if (requestBound is not null)
        {
            double cpu = requestBound.SteadyCost.CpuMicrosPerRequest;
            yield return ($"proxy CPU ≤ {CpuMicrosPerRequest} µs per forwarded request (request-rate bound produce)", $"{cpu:F1} µs", double.IsNaN(cpu) ? null : cpu <= CpuMicrosPerRequest);
        }

        foreach (var c in report.Comparisons.Where(c => c.Id.StartsWith("latency-", StringComparison.Ordinal)))
        {
            double added = c.Difference("p99");
            yield return ($"added p99 ≤ {AddedP99Micros} µs, {c.Description}", $"{added:+0.0;-0.0} µs ({ReportWriter.Num(Comparison.Value(c.Direct, "p99"))} → {ReportWriter.Num(Comparison.Value(c.Proxied, "p99"))} µs)", added <= AddedP99Micros);
        }

        // Pass-through frames: produce requests and their responses are never rewritten, so the allocation per
        // forwarded request of the batched produce runs is the steady-state figure.
        foreach (var c in report.Comparisons.Where(c => c.Id.StartsWith("produce-", StringComparison.Ordinal)))
        {
            double perRequest = c.SteadyCost.AllocatedBytesPerRequest;
            yield return ($"0 B allocated per pass-through frame under load ({c.Id}, steady window)",
                $"{perRequest:F1} B per request, GC gen0/1/2 {c.SteadyCost.Gen0:F0}/{c.SteadyCost.Gen1:F0}/{c.SteadyCost.Gen2:F0}",
                double.IsNaN(perRequest) ? null : perRequest < 1);
        }

        foreach (var s in report.Connections)
        {
            yield return ($"≤ 32 KiB per idle client connection ({s.Connections:N0})", $"{s.RssBytesPerConnection / 1024:F1} KiB", s.RssBytesPerConnection <= BytesPerIdleConnection);
        }
    }
}
