using System.Diagnostics.Metrics;
using KafkaProxy.Core.Diagnostics;

namespace KafkaProxy.Core.Tests.Diagnostics;

public sealed class ProxyMetricsTests
{
    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }

    [Fact]
    public void Request_RandomApiKeysAndVersions_LabelSeriesStayBounded()
    {
        using var factory = new TestMeterFactory();
        var metrics = new ProxyMetrics(factory);
        var apiKeys = new HashSet<string>();
        var versions = new HashSet<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Name == "proxy_requests_total")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "api_key") { apiKeys.Add((string)tag.Value!); }
                if (tag.Key == "api_version") { versions.Add((string)tag.Value!); }
            }
        });
        listener.Start();

        var random = new Random(7);
        for (int i = 0; i < 10_000; i++)
        {
            metrics.Request("127.0.0.1:9092", (short)random.Next(short.MinValue, short.MaxValue), (short)random.Next(short.MinValue, short.MaxValue), 100);
        }

        Assert.InRange(apiKeys.Count, 2, 94);   // 0..92 and "other"
        Assert.InRange(versions.Count, 2, 65);  // 0..63 and "other"
        Assert.Contains("other", apiKeys);
    }

    [Fact]
    public void Constructor_GoCompatibleInstruments_ExistWithUnits()
    {
        using var factory = new TestMeterFactory();
        var found = new Dictionary<string, string?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Scope == factory)
            {
                found[instrument.Name] = instrument.Unit;
            }
        };
        listener.Start();

        _ = new ProxyMetrics(factory);

        Assert.Equal("{connection}", found["proxy_opened_connections"]);
        Assert.Equal("{connection}", found["proxy_connections_total"]);
        Assert.Equal("{request}", found["proxy_requests_total"]);
        Assert.Equal("By", found["proxy_requests_bytes"]);
        Assert.Equal("By", found["proxy_responses_bytes"]);
        Assert.Equal("s", found["proxy_request_duration_seconds"]);
    }
}
