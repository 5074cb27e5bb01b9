using System.Diagnostics;
using BenchmarkDotNet.Attributes;

namespace KafkaProxy.Benchmarks;

/// <summary>
/// What one forwarded request costs in metrics: the calls the two pumps make per request and response
/// (<c>ProxyMetrics.Request</c>: proxy_requests_total and proxy_requests_bytes; <c>ProxyMetrics.Response</c>:
/// proxy_responses_bytes and proxy_request_duration_seconds), over 3 brokers and 4 api keys whose series exist, with
/// each way of exporting attached. Single-threaded: the collector's one global lock is uncontended here, so its figure
/// is a lower bound.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class MetricsRecordingBenchmarks
{
    private const int Requests = 12;
    private static readonly string[] Brokers = ["broker-1.kafka:9092", "broker-2.kafka:9092", "broker-3.kafka:9092"];
    private static readonly short[] ApiKeys = [0, 1, 3, 18];
    private MetricsHost? _host;

    [Params(MetricsExport.None, MetricsExport.Collector, MetricsExport.OpenTelemetryPrometheus, MetricsExport.OpenTelemetryOtlp)]
    public MetricsExport Export { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _host = MetricsHost.StartAsync(Export).GetAwaiter().GetResult();
        ForwardedRequest();
        if (Export is MetricsExport.Collector or MetricsExport.OpenTelemetryPrometheus)
        {
            string text = _host.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative)).GetAwaiter().GetResult();
            if (!text.Contains("proxy_requests_bytes", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("the measurements did not reach /metrics:\n" + text);
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _host!.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>One request and its response, per operation.</summary>
    [Benchmark(OperationsPerInvoke = Requests)]
    public void ForwardedRequest()
    {
        var metrics = _host!.Metrics;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < Requests; i++)
        {
            string broker = Brokers[i % Brokers.Length];
            short apiKey = ApiKeys[i % ApiKeys.Length];
            metrics.Request(broker, apiKey, 9, 1024);
            metrics.Response(broker, apiKey, 64, start);
        }
    }
}
