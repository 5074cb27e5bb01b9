namespace KafkaProxy.Load.Scenarios;

/// <summary>
/// A measurement that runs once against each side, direct first, and reports the same figures for both. Its first
/// figure is the headline (the one charted and compared against the targets). An HTTP gateway scenario fits here
/// too: its "direct" side is a Confluent.Kafka producer, its "proxied" side the gateway.
/// </summary>
internal interface IComparedScenario
{
    /// <summary>A short stable identifier (used in latest.json and as a chart label).</summary>
    string Id { get; }

    /// <summary>What is measured, for the results table.</summary>
    string Description { get; }

    /// <summary>Work done once before any run (filling a topic, for example), against the direct side.</summary>
    Task PrepareAsync(Target direct);

    /// <summary>One measured run; <paramref name="probe"/> brackets its steady part.</summary>
    Task<IReadOnlyList<Figure>> RunAsync(Target target, ISteadyStateProbe probe);
}
