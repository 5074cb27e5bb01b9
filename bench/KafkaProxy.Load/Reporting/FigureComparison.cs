namespace KafkaProxy.Load.Reporting;

/// <summary>
/// One figure of a <see cref="Comparison"/>: the median of each side's rounds (with the smallest and largest), and
/// the median of the per-round ratios and differences, proxied against direct.
/// </summary>
internal sealed record FigureComparison(string Name, string Unit, bool HigherIsBetter, Spread Direct, Spread Proxied, Spread Ratio, Spread Difference);
