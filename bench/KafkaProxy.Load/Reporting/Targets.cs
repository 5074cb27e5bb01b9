namespace KafkaProxy.Load.Reporting;

/// <summary>The targets of the benchmarks issue, checked against a run. Measured here, never asserted in tests.</summary>
internal static class Targets
{
    private const double BatchedRatio = 0.97;
    private const double RequestBoundRatio = 0.9;
    private const double CpuMicrosPerRequest = 10;
    private const double AddedP99Micros = 100;
    private const double BytesPerIdleConnection = 32 * 1024;
    private const double GatewayRatio = 0.6;

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

        foreach (var c in report.Comparisons.Where(c => c.Id.StartsWith("gateway-", StringComparison.Ordinal)))
        {
            double ratio = c.Ratio("throughput");
            yield return ($"{c.Description}: gateway ≥ {GatewayRatio:F1} × direct producer", $"{ratio:F3} × ({ReportWriter.Num(Comparison.Value(c.Proxied, "throughput"))} vs {ReportWriter.Num(Comparison.Value(c.Direct, "throughput"))} msgs/s; p99 {ReportWriter.Num(Comparison.Value(c.Proxied, "p99"))} vs {ReportWriter.Num(Comparison.Value(c.Direct, "p99"))} ms)", ratio >= GatewayRatio);
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

        // Pass-through frames: the request-bound produce run forwards the most frames per byte, so its steady
        // window shows a per-frame allocation best; the process also allocates a little per second on its own (timers,
        // the scrapes), which the batched runs, with few but large requests, spread over a few hundred requests only.
        if (requestBound is not null)
        {
            var steady = requestBound.SteadyCost;
            double perRequest = steady.AllocatedBytesPerRequest;
            yield return ("0 B allocated per pass-through frame in steady state (request-bound produce, the proxy's own GC counters)",
                $"{perRequest:F2} B per request ({ReportWriter.Num(steady.Requests)} requests), GC gen0/1/2 {ReportWriter.Num(steady.Gen0)}/{ReportWriter.Num(steady.Gen1)}/{ReportWriter.Num(steady.Gen2)}",
                double.IsNaN(perRequest) ? null : perRequest < 1 && steady.Gen0 == 0);
        }

        var consume = report.Comparisons.FirstOrDefault(c => c.Id.StartsWith("consume-", StringComparison.Ordinal));
        if (consume is not null)
        {
            // Not a pass-through frame: Fetch v16 responses are rewritten (NodeEndpoints), hence buffered whole.
            yield return ("(for reference, not a target) allocation per Fetch response, which the proxy rewrites",
                $"{consume.SteadyCost.AllocatedBytesPerRequest / 1024:F1} KiB per response, GC gen0/1/2 {ReportWriter.Num(consume.SteadyCost.Gen0)}/{ReportWriter.Num(consume.SteadyCost.Gen1)}/{ReportWriter.Num(consume.SteadyCost.Gen2)}",
                null);
        }

        foreach (var s in report.Connections)
        {
            yield return ($"≤ 32 KiB per idle client connection ({s.Connections:N0})", $"{s.RssBytesPerConnection / 1024:F1} KiB", s.RssBytesPerConnection <= BytesPerIdleConnection);
        }
    }
}
