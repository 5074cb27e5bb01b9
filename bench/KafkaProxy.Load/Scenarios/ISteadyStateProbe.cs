namespace KafkaProxy.Load.Scenarios;

/// <summary>
/// Marks the steady part of a run (after warm-up: connections open, metadata known) so the proxy's cost can be
/// read over exactly that window. Called from the scenario's worker thread; both calls block briefly.
/// </summary>
internal interface ISteadyStateProbe
{
    void Begin();

    void End();
}
