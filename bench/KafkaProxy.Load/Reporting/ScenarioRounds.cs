namespace KafkaProxy.Load.Reporting;

/// <summary>Every round of one scenario through every proxy of a <c>compare</c> run.</summary>
internal sealed record ScenarioRounds(string Id, string Description, IReadOnlyList<VariantRound> Rounds)
{
    public IReadOnlyList<VariantRound> Of(string proxy) => Rounds.Where(r => r.Proxy == proxy).OrderBy(r => r.Round).ToList();

    /// <summary>The median over the rounds of <paramref name="proxy"/> of one value, with the smallest and largest.</summary>
    public Spread Spread(string proxy, Func<VariantRound, double> value) => Reporting.Spread.Of(Of(proxy).Select(value));

    /// <summary>
    /// Round by round, <paramref name="proxy"/>'s value over <paramref name="reference"/>'s in the same round (the two
    /// ran next to each other, so slow drift of the machine touches both alike).
    /// </summary>
    public Spread PairedRatio(string proxy, string reference, Func<VariantRound, double> value) =>
        Reporting.Spread.Of(Of(proxy).Join(Of(reference), r => r.Round, r => r.Round, (p, q) => value(p) / value(q)));
}
