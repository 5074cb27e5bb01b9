using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry.Metrics;

namespace KafkaProxy.Benchmarks;

/// <summary>
/// What one export costs, apart from the recording: a scrape of /metrics over loopback HTTP (the collector's text, or
/// the Prometheus exporter's), or one OTLP/HTTP export (<c>MeterProvider.ForceFlush</c>, protobuf POSTed to a receiver
/// in the same process). The series: 3 brokers x 24 api keys x 2 versions of proxy_requests_total, the byte counters and
/// the duration histograms of those brokers and keys, and the runtime's meter: about 330 series.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class MetricsExportBenchmarks
{
    private static readonly string[] Brokers = ["broker-1.kafka:9092", "broker-2.kafka:9092", "broker-3.kafka:9092"];
    private MetricsHost? _host;

    [Params(MetricsExport.Collector, MetricsExport.OpenTelemetryPrometheus, MetricsExport.OpenTelemetryOtlp)]
    public MetricsExport Export { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _host = MetricsHost.StartAsync(Export).GetAwaiter().GetResult();
        long start = Stopwatch.GetTimestamp();
        foreach (string broker in Brokers)
        {
            for (short apiKey = 0; apiKey < 24; apiKey++)
            {
                for (short version = 8; version < 10; version++)
                {
                    _host.Metrics.Request(broker, apiKey, version, 1024);
                    _host.Metrics.Response(broker, apiKey, 64, start);
                }
            }
        }

        long received = MetricsHost.OtlpBytesReceived;
        if (ExportOnce() < 10_000 || (Export == MetricsExport.OpenTelemetryOtlp && MetricsHost.OtlpBytesReceived - received < 10_000))
        {
            throw new InvalidOperationException($"the export is too small to hold the series ({MetricsHost.OtlpBytesReceived - received} OTLP bytes)");
        }

        Console.WriteLine($"// one export: {(Export == MetricsExport.OpenTelemetryOtlp ? MetricsHost.OtlpBytesReceived - received : ExportOnce())} bytes or characters");
    }

    [GlobalCleanup]
    public void Cleanup() => _host!.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>One scrape (its length in characters) or one OTLP export (a fixed 10,000 when it succeeded).</summary>
    [Benchmark]
    public int ExportOnce()
    {
        if (Export == MetricsExport.OpenTelemetryOtlp)
        {
            return _host!.Provider!.ForceFlush(10_000) ? 10_000 : throw new InvalidOperationException("the OTLP export failed");
        }

        return _host!.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative)).GetAwaiter().GetResult().Length;
    }
}
