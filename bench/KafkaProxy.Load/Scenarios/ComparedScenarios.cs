using KafkaProxy.Load.Wire;

namespace KafkaProxy.Load.Scenarios;

/// <summary>The scenarios that run against a direct and a proxied target, in the order they run.</summary>
internal static class ComparedScenarios
{
    public static IReadOnlyList<IComparedScenario> All(LoadSettings settings) =>
    [
        new ProduceThroughputScenario(100, oneMessagePerBatch: false, settings.ProduceDuration),
        new ProduceThroughputScenario(1024, oneMessagePerBatch: false, settings.ProduceDuration),
        new ProduceThroughputScenario(100, oneMessagePerBatch: true, settings.ProduceDuration),
        new ConsumeThroughputScenario(),
        new RoundTripLatencyScenario(PingRequest.ApiVersions, settings.Pings),
        new RoundTripLatencyScenario(PingRequest.Metadata, settings.Pings),
    ];
}
