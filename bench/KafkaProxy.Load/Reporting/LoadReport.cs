using KafkaProxy.Load.Hosting;
using KafkaProxy.Load.Scenarios;

namespace KafkaProxy.Load.Reporting;

/// <summary>Everything one run measured, as written to latest.md, latest.svg and latest.json.</summary>
internal sealed record LoadReport(
    DateTimeOffset Started,
    TimeSpan Elapsed,
    string Command,
    string Revision,
    int Rounds,
    IReadOnlyList<string> ProxyEnvironment,
    MachineInfo Machine,
    string LoadAverageAtEnd,
    IReadOnlyList<Comparison> Comparisons,
    IReadOnlyList<ConnectionScaleResult> Connections,
    IReadOnlyList<string> Notes,
    ProxyCost WholeRun);
