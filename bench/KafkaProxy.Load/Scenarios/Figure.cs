namespace KafkaProxy.Load.Scenarios;

/// <summary>One measured number of a run.</summary>
internal sealed record Figure(string Name, double Value, string Unit, bool HigherIsBetter);
