using System.Diagnostics.Metrics;
using KafkaProxy.Http.Metrics;

namespace KafkaProxy.Http.Tests.Metrics;

public sealed class PrometheusCollectorTests
{
    [Fact]
    public void Render_CounterGaugeAndHistogram_InTextFormat()
    {
        using var collector = new PrometheusCollector();
        using var meter = new Meter("KafkaProxy.Test." + Guid.NewGuid().ToString("N"));
        var counter = meter.CreateCounter<long>("test_requests_total", description: "Requests.");
        var gauge = meter.CreateUpDownCounter<long>("test_open", description: "Open.");
        var histogram = meter.CreateHistogram<double>("test_duration_seconds", "s", "Duration.");

        counter.Add(2, new KeyValuePair<string, object?>("broker", "b:1"), new("api_key", "3"));
        counter.Add(3, new KeyValuePair<string, object?>("broker", "b:1"), new("api_key", "3"));
        gauge.Add(1);
        gauge.Add(1);
        gauge.Add(-1);
        histogram.Record(0.002, new KeyValuePair<string, object?>("broker", "b:1"));
        histogram.Record(3, new KeyValuePair<string, object?>("broker", "b:1"));

        string text = collector.Render();

        Assert.Contains("# TYPE test_requests_total counter\ntest_requests_total{broker=\"b:1\",api_key=\"3\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE test_open gauge\ntest_open 1\n", text, StringComparison.Ordinal);
        Assert.Contains("test_duration_seconds_bucket{broker=\"b:1\",le=\"0.001\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("test_duration_seconds_bucket{broker=\"b:1\",le=\"0.0025\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("test_duration_seconds_bucket{broker=\"b:1\",le=\"5\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("test_duration_seconds_bucket{broker=\"b:1\",le=\"+Inf\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("test_duration_seconds_sum{broker=\"b:1\"} 3.002\n", text, StringComparison.Ordinal);
        Assert.Contains("test_duration_seconds_count{broker=\"b:1\"} 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ObservableGauge_ShowsItsCurrentValueEachTime()
    {
        using var collector = new PrometheusCollector();
        using var meter = new Meter("KafkaProxy.Test." + Guid.NewGuid().ToString("N"));
        long level = 7;
        meter.CreateObservableGauge("test_level", () => level, description: "Level.");

        string first = collector.Render();
        level = 3;
        string second = collector.Render();

        Assert.Contains("# TYPE test_level gauge\ntest_level 7\n", first, StringComparison.Ordinal);
        Assert.Contains("test_level 3\n", second, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_LabelWithQuotesAndNewline_IsEscaped()
    {
        using var collector = new PrometheusCollector();
        using var meter = new Meter("KafkaProxy.Test." + Guid.NewGuid().ToString("N"));
        meter.CreateCounter<long>("test_escape_total").Add(1, new KeyValuePair<string, object?>("reason", "a\"b\\c\nd"));

        Assert.Contains("test_escape_total{reason=\"a\\\"b\\\\c\\nd\"} 1", collector.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OtherMeters_AreNotCollected()
    {
        using var collector = new PrometheusCollector();
        using var meter = new Meter("Somebody.Else");
        meter.CreateCounter<long>("foreign_total").Add(1);

        Assert.DoesNotContain("foreign_total", collector.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Record_SeriesThatExists_AllocatesNothing()
    {
        using var collector = new PrometheusCollector();
        using var meter = new Meter("KafkaProxy.Test." + Guid.NewGuid().ToString("N"));
        var counter = meter.CreateCounter<long>("test_hot_total");
        var histogram = meter.CreateHistogram<double>("test_hot_seconds", "s");
        object apiKey = "0";
        var broker = new KeyValuePair<string, object?>("broker", "b:1");
        var key = new KeyValuePair<string, object?>("api_key", apiKey);
        counter.Add(1, broker, key);
        histogram.Record(0.001, broker, key);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            counter.Add(1, broker, key);
            histogram.Record(0.001, broker, key);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Contains("test_hot_total{broker=\"b:1\",api_key=\"0\"} 1001\n", collector.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RuntimeMeter_ExportsGcCountsAndAllocatedBytes()
    {
        using var collector = new PrometheusCollector();
        GC.Collect(0);

        string text = collector.Render();

        Assert.Contains("# TYPE dotnet_gc_collections counter\n", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_collections{gc_heap_generation=\"gen0\"} ", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_gc_heap_total_allocated counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_process_cpu_time counter\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ObservableCounter_ReportsItsLatestTotalNotASum()
    {
        using var collector = new PrometheusCollector();
        using var meter = new Meter("KafkaProxy.Test." + Guid.NewGuid().ToString("N"));
        long total = 5;
        meter.CreateObservableCounter("test_observed_total", () => total);

        Assert.Contains("test_observed_total 5\n", collector.Render(), StringComparison.Ordinal);
        total = 7;
        Assert.Contains("test_observed_total 7\n", collector.Render(), StringComparison.Ordinal);
    }
}
