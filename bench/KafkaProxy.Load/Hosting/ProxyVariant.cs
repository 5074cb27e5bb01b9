namespace KafkaProxy.Load.Hosting;

/// <summary>
/// One proxy process of <c>kafkaproxy-load compare</c>: a build of kafka-proxy and the extra server flags it runs
/// with. <paramref name="ComparedWith"/> names the proxy its figures are set against (null for none).
/// </summary>
internal sealed record ProxyVariant(string Name, string Executable, IReadOnlyList<string> Arguments, string? ComparedWith)
{
    public const string Current = "current";
    public const string Baseline = "baseline";

    /// <summary>
    /// The proxy under test first, then the baseline build (against which the proxy under test is compared), then the
    /// proxy under test with each variant's flags (each compared with the proxy under test without them).
    /// </summary>
    public static IReadOnlyList<ProxyVariant> From(LoadSettings settings)
    {
        var variants = new List<ProxyVariant> { new(Current, settings.ProxyPath, [], settings.BaselineProxyPath is null ? null : Baseline) };
        if (settings.BaselineProxyPath is { } baseline)
        {
            variants.Add(new(Baseline, baseline, [], null));
        }

        foreach (var (name, arguments) in settings.Variants)
        {
            variants.Add(new(name, settings.ProxyPath, arguments, Current));
        }

        return variants;
    }

    public string Describe() => Arguments.Count == 0 ? $"`{Executable}`" : $"`{Executable}` with `{string.Join(' ', Arguments)}`";
}
