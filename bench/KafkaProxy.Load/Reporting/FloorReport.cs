namespace KafkaProxy.Load.Reporting;

/// <summary>Everything one <c>floor</c> run measured, as written to floor.md. <paramref name="Sides"/> are in run order, direct first.</summary>
internal sealed record FloorReport(
    DateTimeOffset Started,
    TimeSpan Elapsed,
    string Command,
    string Revision,
    int Rounds,
    int Pings,
    IReadOnlyList<string> ProxyEnvironment,
    MachineInfo Machine,
    string LoadAverageAtEnd,
    IReadOnlyList<string> Sides,
    IReadOnlyList<ScenarioRounds> Scenarios);
