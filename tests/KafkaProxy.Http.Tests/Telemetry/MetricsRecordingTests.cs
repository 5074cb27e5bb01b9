using System.Diagnostics;
using KafkaProxy.Core.Diagnostics;
using KafkaProxy.Http.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace KafkaProxy.Http.Tests.Telemetry;

/// <summary>
/// The proxy's per-request measurements through the OpenTelemetry SDK, as the hosts export them. Alone in its
/// collection: a meter provider another test builds meanwhile listens to every meter named like the proxy's, this
/// test's included, and its first series of these tags would be allocated on this test's thread (CI failed once so).
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class MetricsRecordingTests
{
    [Fact]
    public void ForwardedRequest_SeriesThatExist_AllocateNothing()
    {
        var exported = new List<Metric>();
        using var meters = new OwnedMeterFactory();
        using var provider = Sdk.CreateMeterProviderBuilder().AddKafkaProxyMetrics().AddInMemoryExporter(exported).Build();
        var metrics = new ProxyMetrics(meters);
        long start = Stopwatch.GetTimestamp();
        metrics.Request("b:1", 0, 9, 1024);
        metrics.Response("b:1", 0, 64, start);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            metrics.Request("b:1", 0, 9, 1024);
            metrics.Response("b:1", 0, 64, start);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        provider.ForceFlush();

        Assert.Equal(0, allocated);
        var requests = Assert.Single(exported, m => m.Name == "proxy_requests_total");
        foreach (ref readonly var point in requests.GetMetricPoints())
        {
            Assert.Equal(1001, point.GetSumLong());
        }
    }
}
