using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>
/// Listens to the instruments of one <see cref="IMeterFactory"/> only (one host's), so that gateways of tests running in
/// parallel cannot mix their counts, as they do in <c>/metrics</c>, whose collector listens to the whole process.
/// </summary>
internal sealed class ScopedMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

    public ScopedMetrics(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
        _listener.Start();
    }

    /// <summary>How many measurements an instrument took with the tag given (a histogram's <c>_count</c>).</summary>
    public int Count(string name, string key, string value) => Matching(name, key, value).Count();

    /// <summary>The sum of an instrument's measurements with the tag given (a counter's value).</summary>
    public double Sum(string name, string key, string value) => Matching(name, key, value).Sum(m => m.Value);

    public override string ToString() =>
        string.Join('\n', _measurements.Select(m => $"{m.Name}{{{string.Join(',', m.Tags.Select(t => $"{t.Key}={t.Value}"))}}} {m.Value}"));

    public void Dispose() => _listener.Dispose();

    private IEnumerable<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> Matching(string name, string key, string value) =>
        _measurements.Where(m => m.Name == name && m.Tags.Any(t => t.Key == key && Equals(t.Value, value)));
}
