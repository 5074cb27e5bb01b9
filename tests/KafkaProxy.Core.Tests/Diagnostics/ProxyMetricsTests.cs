using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using KafkaProxy.Core.Diagnostics;
using KafkaProxy.Protocol.Headers;

namespace KafkaProxy.Core.Tests.Diagnostics;

public sealed class ProxyMetricsTests
{
    private const string Broker = "broker-1:9092";

    [Fact]
    public void Request_TenThousandRandomApiKeysAndVersions_LabelValuesStayBounded()
    {
        using var factory = new TestMeterFactory();
        var metrics = new ProxyMetrics(factory);
        using var recorder = new Recorder(factory, "proxy_requests_total");
        var random = new Random(7);

        for (int i = 0; i < 10_000; i++)
        {
            // Mostly near the known ranges so that every label is hit, plus extremes.
            short apiKey = i % 10 == 0 ? (short)random.Next(short.MinValue, short.MaxValue + 1) : (short)random.Next(-50, 300);
            short version = i % 10 == 0 ? (short)random.Next(short.MinValue, short.MaxValue + 1) : (short)random.Next(-50, 200);
            metrics.Request(Broker, apiKey, version, bytes: 100);
        }

        var apiKeys = recorder.Values("api_key");
        var versions = recorder.Values("api_version");
        Assert.Equal(10_000, recorder.Measurements.Count);
        Assert.InRange(apiKeys.Count, 2, 94); // 0..92 and "other"
        Assert.InRange(versions.Count, 2, 65); // 0..63 and "other"
        Assert.Equal(KafkaApis.MaxKnownApiKey + 2, apiKeys.Count);
        Assert.Equal(Labels(KafkaApis.MaxKnownApiKey).Append("other").ToHashSet(), apiKeys);
        Assert.Equal(Labels(63).Append("other").ToHashSet(), versions);
        Assert.Equal([Broker], recorder.Values("broker"));
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(3, "3")]
    [InlineData(92, "92")]
    [InlineData(93, "other")]
    [InlineData(-1, "other")]
    [InlineData(short.MinValue, "other")]
    [InlineData(short.MaxValue, "other")]
    public void Request_ApiKey_LabelIsTheNumberOrOther(short apiKey, string expected)
    {
        Assert.Equal(92, KafkaApis.MaxKnownApiKey); // the table this test's cases were written against
        using var factory = new TestMeterFactory();
        var metrics = new ProxyMetrics(factory);
        using var recorder = new Recorder(factory, "proxy_requests_total");

        metrics.Request(Broker, apiKey, apiVersion: 0, bytes: 1);

        Assert.Equal(expected, recorder.Single("api_key"));
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(17, "17")]
    [InlineData(63, "63")]
    [InlineData(64, "other")]
    [InlineData(-1, "other")]
    [InlineData(short.MaxValue, "other")]
    public void Request_ApiVersion_LabelIsTheNumberOrOther(short version, string expected)
    {
        using var factory = new TestMeterFactory();
        var metrics = new ProxyMetrics(factory);
        using var recorder = new Recorder(factory, "proxy_requests_total");

        metrics.Request(Broker, apiKey: 1, version, bytes: 1);

        Assert.Equal(expected, recorder.Single("api_version"));
    }

    [Fact]
    public void Request_Always_CountsOneAndAddsTheBytesByBroker()
    {
        using var factory = new TestMeterFactory();
        var metrics = new ProxyMetrics(factory);
        using var requests = new Recorder(factory, "proxy_requests_total");
        using var bytes = new Recorder(factory, "proxy_requests_bytes");

        metrics.Request(Broker, apiKey: 0, apiVersion: 9, bytes: 1234);

        var request = Assert.Single(requests.Measurements);
        Assert.Equal(1d, request.Value);
        Assert.Equal(["api_key", "api_version", "broker"], request.Tags.Keys.Order(StringComparer.Ordinal));
        var sent = Assert.Single(bytes.Measurements);
        Assert.Equal(1234d, sent.Value);
        Assert.Equal(Broker, Assert.Single(sent.Tags, t => t.Key == "broker").Value);
        Assert.Single(sent.Tags);
    }

    [Fact]
    public void Response_RandomApiKeys_DurationLabelsStayBoundedAndBytesAreCounted()
    {
        using var factory = new TestMeterFactory();
        var metrics = new ProxyMetrics(factory);
        using var durations = new Recorder(factory, "proxy_request_duration_seconds");
        using var bytes = new Recorder(factory, "proxy_responses_bytes");
        var random = new Random(11);

        for (int i = 0; i < 10_000; i++)
        {
            metrics.Response(Broker, (short)random.Next(short.MinValue, short.MaxValue + 1), bytes: 10, startTimestamp: Stopwatch.GetTimestamp());
        }

        Assert.InRange(durations.Values("api_key").Count, 2, 94);
        Assert.All(durations.Values("api_key"), label => Assert.True(label == "other" || int.Parse(label, CultureInfo.InvariantCulture) is >= 0 and <= 92, label));
        Assert.All(durations.Measurements, m => Assert.InRange(m.Value, 0d, 60d));
        Assert.Equal(10_000 * 10d, bytes.Measurements.Sum(m => m.Value));
        Assert.Equal([Broker], bytes.Values("broker"));
    }

    [Fact]
    public void Response_StartTimestamp_RecordsTheElapsedSeconds()
    {
        using var factory = new TestMeterFactory();
        var metrics = new ProxyMetrics(factory);
        using var durations = new Recorder(factory, "proxy_request_duration_seconds");
        long twoSecondsAgo = Stopwatch.GetTimestamp() - (2 * Stopwatch.Frequency);

        metrics.Response(Broker, apiKey: 1, bytes: 1, twoSecondsAgo);

        Assert.InRange(Assert.Single(durations.Measurements).Value, 2d, 62d);
    }

    [Fact]
    public void ConnectionOpenedThenClosed_OpenConnectionsReturnToZeroAndTotalCounts()
    {
        using var factory = new TestMeterFactory();
        var metrics = new ProxyMetrics(factory);
        using var open = new Recorder(factory, "proxy_opened_connections");
        using var total = new Recorder(factory, "proxy_connections_total");

        metrics.ConnectionOpened(Broker);
        metrics.ConnectionOpened(Broker);
        metrics.ConnectionClosed(Broker);
        metrics.ConnectionClosed(Broker);

        Assert.Equal([1d, 1d, -1d, -1d], open.Measurements.Select(m => m.Value));
        Assert.Equal(2d, total.Measurements.Sum(m => m.Value));
        Assert.Equal([Broker], open.Values("broker"));
        Assert.Equal([Broker], total.Values("broker"));
    }

    [Fact]
    public void OtherEvents_Recorded_GoToTheirInstruments()
    {
        using var factory = new TestMeterFactory();
        var metrics = new ProxyMetrics(factory);
        using var failures = new Recorder(factory, "proxy_upstream_connect_failures_total");
        using var rejected = new Recorder(factory, "proxy_frames_rejected_total");
        using var refused = new Recorder(factory, "proxy_connections_refused_total");
        using var dynamic = new Recorder(factory, "proxy_dynamic_listeners");

        metrics.UpstreamConnectFailed(Broker);
        metrics.FrameRejected("too_large");
        metrics.ConnectionRefused("max_connections");
        metrics.ConnectionRefused("sni_unknown_node");
        metrics.DynamicListenerStarted();

        Assert.Equal([Broker], failures.Values("broker"));
        Assert.Equal(["too_large"], rejected.Values("reason"));
        Assert.Equal(["max_connections", "sni_unknown_node"], refused.Values("reason"));
        Assert.Equal(1d, Assert.Single(dynamic.Measurements).Value);
    }

    [Fact]
    public void Request_NoListener_RecordsNothingAndDoesNotThrow()
    {
        using var factory = new TestMeterFactory();
        var metrics = new ProxyMetrics(factory);

        metrics.Request(Broker, apiKey: -1, apiVersion: -1, bytes: 1);
        metrics.Response(Broker, apiKey: 999, bytes: 1, Stopwatch.GetTimestamp());
    }

    [Fact]
    public void Constructor_Always_CreatesOneMeterNamedKafkaProxyProxy()
    {
        using var factory = new TestMeterFactory();

        _ = new ProxyMetrics(factory);

        Assert.Equal(ProxyMetrics.MeterName, Assert.Single(factory.Meters).Name);
        Assert.Equal("KafkaProxy.Proxy", ProxyMetrics.MeterName);
    }

    [Theory]
    // The Go kafka-proxy's five series, which existing dashboards query.
    [InlineData("proxy_opened_connections", "{connection}", typeof(UpDownCounter<long>))]
    [InlineData("proxy_connections_total", "{connection}", typeof(Counter<long>))]
    [InlineData("proxy_requests_total", "{request}", typeof(Counter<long>))]
    [InlineData("proxy_requests_bytes", "By", typeof(Counter<long>))]
    [InlineData("proxy_responses_bytes", "By", typeof(Counter<long>))]
    // Ours.
    [InlineData("proxy_request_duration_seconds", "s", typeof(Histogram<double>))]
    [InlineData("proxy_upstream_connect_failures_total", "{failure}", typeof(Counter<long>))]
    [InlineData("proxy_frames_rejected_total", "{frame}", typeof(Counter<long>))]
    [InlineData("proxy_connections_refused_total", "{connection}", typeof(Counter<long>))]
    [InlineData("proxy_dynamic_listeners", "{listener}", typeof(UpDownCounter<long>))]
    [InlineData("proxy_dynamic_listeners_refused_total", "{listener}", typeof(Counter<long>))]
    [InlineData("proxy_upstream_security_failures_total", "{failure}", typeof(Counter<long>))]
    [InlineData("proxy_requests_refused_total", "{request}", typeof(Counter<long>))]
    [InlineData("proxy_client_security_failures_total", "{failure}", typeof(Counter<long>))]
    [InlineData("proxy_client_authentications_total", "{authentication}", typeof(Counter<long>))]
    [InlineData("proxy_audit_dropped_total", "{line}", typeof(Counter<long>))]
    [InlineData("proxy_node_endpoints_dropped_total", "{response}", typeof(Counter<long>))]
    [InlineData("proxy_spliced_bytes", "By", typeof(Counter<long>))]
    public void Constructor_Always_PublishesTheInstrumentWithItsUnitAndKind(string name, string unit, Type kind)
    {
        using var factory = new TestMeterFactory();
        var published = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Scope == factory)
                {
                    published.Add(instrument);
                }
            },
        };
        listener.Start();

        _ = new ProxyMetrics(factory);

        var instrument = Assert.Single(published, i => i.Name == name);
        Assert.Equal(unit, instrument.Unit);
        Assert.IsType(kind, instrument);
        Assert.False(string.IsNullOrWhiteSpace(instrument.Description));
        Assert.Equal(18, published.Count);
    }

    private static IEnumerable<string> Labels(int max) => Enumerable.Range(0, max + 1).Select(i => i.ToString(CultureInfo.InvariantCulture));

    [Fact]
    public void EveryInstrument_OfAVirtualCluster_CarriesItsNameOnEveryMeasurement()
    {
        using var factory = new TestMeterFactory();
        var metrics = new ProxyMetrics(factory, virtualCluster: "orders");
        var seen = new List<(string Instrument, IReadOnlyDictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => seen.Add((instrument.Name, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => seen.Add((instrument.Name, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();

        metrics.ConnectionOpened(Broker);
        metrics.ConnectionRouted(Broker, "broker-2:9092");
        metrics.ConnectionClosed(Broker);
        metrics.Request(Broker, 0, 9, 100);
        metrics.Response(Broker, 0, 100, Stopwatch.GetTimestamp());
        metrics.UpstreamConnectFailed(Broker);
        metrics.FrameRejected("too_large");
        metrics.ConnectionRefused("sni_missing");
        metrics.DynamicListenerStarted();
        metrics.DynamicListenerRefused("max_listeners");
        metrics.RequestRefused(20, "forbidden");
        metrics.ClientSecurityFailed("client_tls");
        metrics.ClientAuthenticated("PLAIN");
        metrics.UpstreamSecurityFailed(Broker, "tls");
        metrics.AuditDropped(1, "queue_full");
        metrics.NodeEndpointsDropped("did_not_fit");

        // Every instrument was measured (a new one must be added here, and so gets the check too).
        Assert.Equal(InstrumentNames.ToHashSet(), seen.Select(s => s.Instrument).ToHashSet());
        Assert.All(seen, s => Assert.Equal("orders", s.Tags[ProxyMetrics.VirtualClusterTag]));
        Assert.Equal("broker-1:9092", seen.First(s => s.Instrument == "proxy_requests_total").Tags["broker"]);
    }

    [Fact]
    public void Measurements_OfAProxyWithoutVirtualClusters_CarryNoClusterTag()
    {
        using var factory = new TestMeterFactory();
        var metrics = new ProxyMetrics(factory);
        using var recorder = new Recorder(factory, "proxy_connections_total");

        metrics.ConnectionOpened(Broker);

        Assert.DoesNotContain(ProxyMetrics.VirtualClusterTag, Assert.Single(recorder.Measurements).Tags.Keys);
    }

    private static readonly string[] InstrumentNames =
    [
        "proxy_opened_connections", "proxy_connections_total", "proxy_requests_total", "proxy_requests_bytes", "proxy_responses_bytes",
        "proxy_request_duration_seconds", "proxy_upstream_connect_failures_total", "proxy_frames_rejected_total", "proxy_connections_refused_total",
        "proxy_dynamic_listeners", "proxy_dynamic_listeners_refused_total", "proxy_requests_refused_total", "proxy_client_security_failures_total",
        "proxy_client_authentications_total", "proxy_upstream_security_failures_total", "proxy_audit_dropped_total",
        "proxy_node_endpoints_dropped_total",
    ];

    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public IReadOnlyList<Meter> Meters => _meters;

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }

    private sealed record Measurement(double Value, IReadOnlyDictionary<string, object?> Tags);

    /// <summary>Records the measurements of one instrument of one factory's meters (other tests' meters are ignored).</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();

        public Recorder(IMeterFactory factory, string instrumentName)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Name == instrumentName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Add(value, tags));
            _listener.SetMeasurementEventCallback<double>((_, value, tags, _) => Add(value, tags));
            _listener.Start();
        }

        public List<Measurement> Measurements { get; } = [];

        public HashSet<string> Values(string tag) => Measurements.Select(m => (string)m.Tags[tag]!).ToHashSet();

        public string Single(string tag) => (string)Assert.Single(Measurements).Tags[tag]!;

        public void Dispose() => _listener.Dispose();

        private void Add(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy.Add(tag.Key, tag.Value);
            }

            Measurements.Add(new Measurement(value, copy));
        }
    }
}
