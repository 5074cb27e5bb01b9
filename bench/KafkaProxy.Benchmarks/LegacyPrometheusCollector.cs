using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace KafkaProxy.Benchmarks;

/// <summary>
/// The hand-made collector that served <c>/metrics</c> until the OpenTelemetry exporters replaced it (issue 19), kept
/// here, unchanged but for its name, as the baseline of <see cref="MetricsRecordingBenchmarks"/>.
/// Listens to KafkaProxy's meters and to the runtime's own (<c>System.Runtime</c>: GC counts, allocated bytes, CPU
/// time) and keeps every series in memory for the Prometheus text format. KafkaProxy's instrument names are exported
/// as they are (so the Go kafka-proxy's names stay intact); characters Prometheus does not allow in names, such as the
/// dots of <c>dotnet.gc.collections</c>, become underscores. Series are keyed by their label values, which the
/// instruments take from fixed tables, so recording a measurement allocates nothing once its series exists.
/// Observable instruments are read at each <see cref="Render"/>.
/// </summary>
internal sealed class LegacyPrometheusCollector : IDisposable
{
    /// <summary>Meters whose names start with this are collected.</summary>
    public const string MeterPrefix = "KafkaProxy.";

    /// <summary>The runtime's built-in meter (.NET 9 and later), also collected.</summary>
    public const string RuntimeMeterName = "System.Runtime";

    private static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<SeriesKey, Series> _series = [];

    /// <summary>Starts listening to every KafkaProxy meter, now and later created.</summary>
    public LegacyPrometheusCollector()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith(MeterPrefix, StringComparison.Ordinal) || instrument.Meter.Name == RuntimeMeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Writes every series in the Prometheus text exposition format (version 0.0.4).</summary>
    public string Render()
    {
        // Observable instruments (the runtime's, for one) report their current values now, through Record.
        _listener.RecordObservableInstruments();
        List<(SeriesKey Key, Series Series)> snapshot;
        lock (_gate)
        {
            snapshot = _series.Select(p => (p.Key, p.Value.Copy())).ToList();
        }

        var text = new StringBuilder();
        foreach (var family in snapshot.GroupBy(s => s.Key.Instrument).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            var instrument = family.Key;
            string type = instrument switch
            {
                Counter<long> or Counter<double> or ObservableCounter<long> or ObservableCounter<double> => "counter",
                Histogram<long> or Histogram<double> => "histogram",
                _ => "gauge",
            };
            string name = PrometheusName(instrument.Name);
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {instrument.Description}").Append('\n');
            text.Append(CultureInfo.InvariantCulture, $"# TYPE {name} {type}").Append('\n');
            foreach (var (key, series) in family.OrderBy(s => s.Key.LabelText(), StringComparer.Ordinal))
            {
                string labels = key.LabelText();
                if (series.BucketCounts is null)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{name}{Braces(labels)} {Number(series.Sum)}").Append('\n');
                    continue;
                }

                long cumulative = 0;
                for (int i = 0; i <= Buckets.Length; i++)
                {
                    cumulative += series.BucketCounts[i];
                    string le = i < Buckets.Length ? Number(Buckets[i]) : "+Inf";
                    string all = labels.Length == 0 ? $"le=\"{le}\"" : $"{labels},le=\"{le}\"";
                    text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{all}}} {cumulative}").Append('\n');
                }

                text.Append(CultureInfo.InvariantCulture, $"{name}_sum{Braces(labels)} {Number(series.Sum)}").Append('\n');
                text.Append(CultureInfo.InvariantCulture, $"{name}_count{Braces(labels)} {series.Count}").Append('\n');
            }
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = new SeriesKey(instrument, Tag(tags, 0), Tag(tags, 1), Tag(tags, 2));
        lock (_gate)
        {
            if (!_series.TryGetValue(key, out var series))
            {
                bool histogram = instrument is Histogram<long> or Histogram<double>;
                series = new Series(histogram ? new long[Buckets.Length + 1] : null, ReportsTotals(instrument));
                _series[key] = series;
            }

            if (series.ValueIsTotal)
            {
                series.Sum = value;
                series.Count = 1;
                return;
            }

            series.Sum += value;
            series.Count++;
            if (series.BucketCounts is not null)
            {
                int bucket = 0;
                while (bucket < Buckets.Length && value > Buckets[bucket])
                {
                    bucket++;
                }

                series.BucketCounts[bucket]++;
            }
        }
    }

    // Observable instruments report their current total (a counter) or level (a gauge), as do synchronous gauges:
    // the newest value replaces the series' value instead of adding to it.
    private static bool ReportsTotals(Instrument instrument) =>
        instrument.IsObservable || instrument is Gauge<long> or Gauge<double>;

    // A label is copied out of the measurement as (key, value): both compare and hash without boxing, unlike
    // KeyValuePair, whose default equality boxes the pair and compares its fields by reflection on every lookup.
    private static Label Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, int index) =>
        index < tags.Length ? new Label(tags[index].Key, tags[index].Value) : default;

    // Prometheus names and label names allow [a-zA-Z0-9_:]; the runtime's use dots (dotnet.gc.collections).
    private static string PrometheusName(string name) => string.Create(name.Length, name, static (span, source) =>
    {
        for (int i = 0; i < span.Length; i++)
        {
            char c = source[i];
            span[i] = char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_';
        }
    });

    private static string Braces(string labels) => labels.Length == 0 ? string.Empty : "{" + labels + "}";

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private readonly record struct Label(string? Key, object? Value);

    private readonly record struct SeriesKey(Instrument Instrument, Label A, Label B, Label C)
    {
        public string LabelText() => string.Join(',', new[] { A, B, C }.Where(t => t.Key is not null)
            .Select(t => $"{PrometheusName(t.Key!)}=\"{Escape(Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? string.Empty)}\""));

        private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }

    private sealed class Series(long[]? bucketCounts, bool valueIsTotal)
    {
        public bool ValueIsTotal { get; } = valueIsTotal;

        public double Sum { get; set; }

        public long Count { get; set; }

        public long[]? BucketCounts { get; } = bucketCounts;

        public Series Copy() => new((long[]?)BucketCounts?.Clone(), ValueIsTotal) { Sum = Sum, Count = Count };
    }
}
