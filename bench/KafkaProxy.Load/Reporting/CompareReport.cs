using KafkaProxy.Load.Hosting;

namespace KafkaProxy.Load.Reporting;

/// <summary>Everything one <c>compare</c> run measured, as written to compare.md.</summary>
internal sealed record CompareReport(
    DateTimeOffset Started,
    TimeSpan Elapsed,
    string Command,
    string Revision,
    int Rounds,
    IReadOnlyList<string> ProxyEnvironment,
    MachineInfo Machine,
    string LoadAverageAtEnd,
    IReadOnlyList<ProxyVariant> Proxies,
    IReadOnlyList<ScenarioRounds> Scenarios,
    IReadOnlyList<string> Notes);
