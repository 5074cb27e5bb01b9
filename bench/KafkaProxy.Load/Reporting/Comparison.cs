using KafkaProxy.Load.Hosting;
using KafkaProxy.Load.Scenarios;

namespace KafkaProxy.Load.Reporting;

/// <summary>
/// One scenario's figures on both sides (the best round of each), and what the proxy spent on its side: over the
/// whole proxied runs (warm-ups included), and over their steady windows only.
/// </summary>
internal sealed record Comparison(string Id, string Description, IReadOnlyList<Figure> Direct, IReadOnlyList<Figure> Proxied, ProxyCost ProxyCost, ProxyCost SteadyCost)
{
    public double Ratio(string figure) => Value(Proxied, figure) / Value(Direct, figure);

    public double Difference(string figure) => Value(Proxied, figure) - Value(Direct, figure);

    public static double Value(IReadOnlyList<Figure> side, string figure) => side.First(f => f.Name == figure).Value;

    /// <summary>Per figure, the best of several rounds (highest or lowest, as the figure says).</summary>
    public static IReadOnlyList<Figure> Best(IReadOnlyList<IReadOnlyList<Figure>> rounds) => rounds[0]
        .Select(first =>
        {
            var all = rounds.Select(r => r.First(f => f.Name == first.Name).Value).ToList();
            return first with { Value = first.HigherIsBetter ? all.Max() : all.Min() };
        })
        .ToList();
}
