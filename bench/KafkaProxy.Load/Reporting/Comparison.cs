using KafkaProxy.Load.Hosting;

namespace KafkaProxy.Load.Reporting;

/// <summary>
/// One scenario of a <c>run</c>: <see cref="Reference"/> (direct) against <see cref="Side"/> (proxied, or the
/// gateway) over every interleaved round. A figure is the median of its side's rounds; a ratio or a difference is the
/// median of the per-round pairs (round i of the side against round i of the reference), never the best round.
/// </summary>
internal sealed record Comparison(ScenarioRounds Scenario, string Reference, string Side)
{
    public string Id => Scenario.Id;

    public string Description => Scenario.Description;

    /// <summary>How many rounds the side ran.</summary>
    public int Rounds => Scenario.Of(Side).Count;

    /// <summary>Every figure of the scenario, headline first, as medians and paired ratios and differences.</summary>
    public IReadOnlyList<FigureComparison> Figures => Scenario.Of(Reference)[0].Figures
        .Select(f => new FigureComparison(f.Name, f.Unit, f.HigherIsBetter, Direct(f.Name), Proxied(f.Name), Ratio(f.Name), Difference(f.Name)))
        .ToList();

    /// <summary>The proxy's cost over the side's steady windows, all rounds together.</summary>
    public ProxyCost SteadyCost => Scenario.Of(Side).Aggregate(ProxyCost.Zero, (sum, r) => sum.Add(r.Steady));

    /// <summary>The proxy's cost over the side's whole runs (warm-ups included), all rounds together.</summary>
    public ProxyCost WholeCost => Scenario.Of(Side).Aggregate(ProxyCost.Zero, (sum, r) => sum.Add(r.Whole));

    public Spread Direct(string figure) => Scenario.Spread(Reference, r => r.Value(figure));

    public Spread Proxied(string figure) => Scenario.Spread(Side, r => r.Value(figure));

    /// <summary>The median of the per-round ratios side / reference of <paramref name="figure"/>.</summary>
    public Spread Ratio(string figure) => Scenario.PairedRatio(Side, Reference, r => r.Value(figure));

    /// <summary>The median of the per-round differences side − reference of <paramref name="figure"/>.</summary>
    public Spread Difference(string figure) => Scenario.PairedDifference(Side, Reference, r => r.Value(figure));

    /// <summary>The median over the side's rounds of one figure of the proxy's cost over the steady window.</summary>
    public Spread Steady(Func<ProxyCost, double> value) => Scenario.Spread(Side, r => value(r.Steady));
}
