using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaProxy.IntegrationTests.Security;

/// <summary>An IMeterFactory of its own and a listener on exactly its meters, so parallel tests cannot mix their counts.</summary>
internal sealed class MetricCapture : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();

    public MetricCapture()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        Factory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, Factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            Measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString()))));
        _listener.Start();
    }

    public IMeterFactory Factory { get; }

    public ConcurrentQueue<(string Name, long Value, Dictionary<string, string?> Tags)> Measurements { get; } = new();

    /// <summary>The sum of an instrument's measurements whose tags include every pair given.</summary>
    public long Sum(string name, params (string Key, string Value)[] tags) =>
        Measurements.Where(m => m.Name == name && tags.All(t => m.Tags.TryGetValue(t.Key, out string? v) && v == t.Value)).Sum(m => m.Value);

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
