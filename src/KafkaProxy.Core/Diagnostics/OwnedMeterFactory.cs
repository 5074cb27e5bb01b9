using System.Diagnostics.Metrics;

namespace KafkaProxy.Core.Diagnostics;

/// <summary>The meter factory a component creates for itself when it is used without DI; it disposes the meters.</summary>
internal sealed class OwnedMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        lock (_meters)
        {
            _meters.ForEach(m => m.Dispose());
        }
    }
}
