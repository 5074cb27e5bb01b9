using Microsoft.Extensions.Options;

namespace KafkaProxy.Core.Configuration;

/// <summary>
/// Checks the virtual clusters together at start: no cluster setting beside <c>Clusters</c>, and clusters that share an SNI
/// listener have names no client name can fit twice (bootstrap names and host patterns). Each cluster's own settings are
/// checked by <see cref="KafkaProxyOptionsValidator"/>; a cluster whose settings fail there is left out here.
/// </summary>
internal sealed class VirtualClustersValidator(IOptionsMonitor<KafkaProxyOptions> clusters) : IValidateOptions<VirtualClustersOptions>
{
    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789");

    public ValidateOptionsResult Validate(string? name, VirtualClustersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>(options.Problems);
        var valid = new List<KafkaProxyOptions>();
        foreach (string cluster in options.Names)
        {
            try
            {
                valid.Add(clusters.Get(cluster));
            }
            catch (OptionsValidationException)
            {
                // Reported by the cluster's own validation.
            }
        }

        errors.AddRange(SniCollisions(valid));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// Pairs of clusters on one SNI listener (the same <c>Sni:ListenerAddress</c>) that a client's server name could fit
    /// both of: the same bootstrap name, one's bootstrap name of the other's pattern, or two patterns with a name in common.
    /// </summary>
    internal static IEnumerable<string> SniCollisions(IReadOnlyList<KafkaProxyOptions> clusters)
    {
        foreach (var group in clusters.Where(c => c.Sni.Enabled).GroupBy(c => c.Sni.ListenerAddress!.Value))
        {
            var list = group.ToList();
            for (int i = 0; i < list.Count; i++)
            {
                for (int j = i + 1; j < list.Count; j++)
                {
                    if (Collision(list[i], list[j]) is { } what)
                    {
                        var a = new SettingKey(list[i].ConfigurationPath);
                        var b = new SettingKey(list[j].ConfigurationPath);
                        yield return $"{a["Sni"]} and {b["Sni"]} share the listener {group.Key}, but {what}: a client's server name must pick one cluster. Give each cluster names of its own, such as bootstrap.{SniOptions.VirtualClusterToken}.kafka.example.com and broker-{SniOptions.NodeIdToken}.{SniOptions.VirtualClusterToken}.kafka.example.com.";
                    }
                }
            }
        }
    }

    private static string? Collision(KafkaProxyOptions a, KafkaProxyOptions b)
    {
        var (sa, sb) = (a.Sni, b.Sni);
        if (string.Equals(sa.BootstrapHost, sb.BootstrapHost, StringComparison.OrdinalIgnoreCase))
        {
            return $"both bootstrap as '{sa.BootstrapHost}'";
        }

        var (pa, xa) = Split(sa.HostPattern!);
        var (pb, xb) = Split(sb.HostPattern!);
        if (Fits(sa.BootstrapHost!, pb, xb))
        {
            return $"bootstrap name '{sa.BootstrapHost}' fits the other's host pattern '{sb.HostPattern}'";
        }

        if (Fits(sb.BootstrapHost!, pa, xa))
        {
            return $"bootstrap name '{sb.BootstrapHost}' fits the other's host pattern '{sa.HostPattern}'";
        }

        // prefix + digits + suffix: two patterns share a name exactly when one prefix extends the other by digits only
        // and one suffix extends the other by digits only.
        bool prefixes = ExtendsByDigits(pa, pb, atEnd: false) || ExtendsByDigits(pb, pa, atEnd: false);
        bool suffixes = ExtendsByDigits(xa, xb, atEnd: true) || ExtendsByDigits(xb, xa, atEnd: true);
        return prefixes && suffixes ? $"host patterns '{sa.HostPattern}' and '{sb.HostPattern}' have names in common" : null;
    }

    private static (string Prefix, string Suffix) Split(string pattern)
    {
        int token = pattern.IndexOf(SniOptions.NodeIdToken, StringComparison.Ordinal);
        return (pattern[..token], pattern[(token + SniOptions.NodeIdToken.Length)..]);
    }

    private static bool Fits(string name, string prefix, string suffix) =>
        name.Length > prefix.Length + suffix.Length
        && name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
        && name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
        && !name.AsSpan(prefix.Length, name.Length - prefix.Length - suffix.Length).ContainsAnyExcept(Digits);

    // Whether longer is shorter with only digits added (at its end for prefixes, at its start for suffixes).
    private static bool ExtendsByDigits(string longer, string shorter, bool atEnd)
    {
        if (longer.Length < shorter.Length)
        {
            return false;
        }

        bool contains = atEnd ? longer.EndsWith(shorter, StringComparison.OrdinalIgnoreCase) : longer.StartsWith(shorter, StringComparison.OrdinalIgnoreCase);
        var extra = atEnd ? longer.AsSpan(0, longer.Length - shorter.Length) : longer.AsSpan(shorter.Length);
        return contains && !extra.ContainsAnyExcept(Digits);
    }
}
