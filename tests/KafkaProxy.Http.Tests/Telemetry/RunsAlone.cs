namespace KafkaProxy.Http.Tests.Telemetry;

/// <summary>Tests that count what a measurement allocates: run when no other test of the assembly runs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "Meter providers of their own";
}
