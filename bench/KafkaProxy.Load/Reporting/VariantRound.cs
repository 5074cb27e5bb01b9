using KafkaProxy.Load.Hosting;
using KafkaProxy.Load.Scenarios;

namespace KafkaProxy.Load.Reporting;

/// <summary>One run of a scenario through one proxy: the scenario's figures and the proxy's cost over its steady window.</summary>
internal sealed record VariantRound(int Round, string Proxy, IReadOnlyList<Figure> Figures, ProxyCost Steady)
{
    /// <summary>The scenario's first figure, its headline.</summary>
    public Figure Headline => Figures[0];
}
