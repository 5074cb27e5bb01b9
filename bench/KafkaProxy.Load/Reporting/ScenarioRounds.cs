namespace KafkaProxy.Load.Reporting;

/// <summary>Every round of one scenario on every side (<c>run</c>: direct and proxied; <c>compare</c>: each proxy).</summary>
internal sealed record ScenarioRounds(string Id, string Description, IReadOnlyList<SideRound> Rounds)
{
    public IReadOnlyList<SideRound> Of(string side) => Rounds.Where(r => r.Side == side).OrderBy(r => r.Round).ToList();

    /// <summary>The median over the rounds of <paramref name="side"/> of one value, with the smallest and largest.</summary>
    public Spread Spread(string side, Func<SideRound, double> value) => Reporting.Spread.Of(Of(side).Select(value));

    /// <summary>
    /// Round by round, <paramref name="side"/>'s value over <paramref name="reference"/>'s in the same round (the two
    /// ran next to each other, so slow drift of the machine touches both alike): the median of those ratios.
    /// </summary>
    public Spread PairedRatio(string side, string reference, Func<SideRound, double> value) => Paired(side, reference, value, (s, r) => s / r);

    /// <summary>Round by round, <paramref name="side"/>'s value less <paramref name="reference"/>'s in the same round: the median of those differences.</summary>
    public Spread PairedDifference(string side, string reference, Func<SideRound, double> value) => Paired(side, reference, value, (s, r) => s - r);

    private Spread Paired(string side, string reference, Func<SideRound, double> value, Func<double, double, double> combine) =>
        Reporting.Spread.Of(Of(side).Join(Of(reference), r => r.Round, r => r.Round, (s, r) => combine(value(s), value(r))));
}
