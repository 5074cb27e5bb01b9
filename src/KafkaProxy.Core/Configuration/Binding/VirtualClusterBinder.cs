using Microsoft.Extensions.Configuration;

namespace KafkaProxy.Core.Configuration.Binding;

/// <summary>
/// Virtual clusters in configuration: each <c>KafkaProxy:Clusters:&lt;name&gt;</c> has the keys of the <c>KafkaProxy</c>
/// section and binds with <see cref="KafkaProxyOptionsBinder"/>, so messages name the full key
/// (<c>KafkaProxy:Clusters:orders:Brokers</c>). Beside <c>Clusters</c> the proxy's section holds only what other
/// components read (<see cref="KafkaProxyOptionsBinder.OtherComponents"/>): a cluster's setting there is an error.
/// </summary>
internal static class VirtualClusterBinder
{
    /// <summary>The section under the proxy's that holds one section per virtual cluster.</summary>
    public const string Section = "Clusters";

    /// <summary>The names of the virtual clusters under <paramref name="proxySection"/>, in configuration order; empty when none.</summary>
    public static IReadOnlyList<string> Names(IConfiguration proxySection) =>
        [.. proxySection.GetSection(Section).GetChildren().Select(c => c.Key)];

    /// <summary>Binds cluster <paramref name="name"/> onto <paramref name="options"/>, its SNI names with the cluster's name for <see cref="SniOptions.VirtualClusterToken"/>.</summary>
    public static void Bind(IConfiguration proxySection, string name, KafkaProxyOptions options)
    {
        var section = proxySection.GetSection(Section).GetSection(name);
        KafkaProxyOptionsBinder.Bind(section, options);
        options.VirtualCluster = name;
        string path = section.Path;
        if (!IsValidName(name))
        {
            options.ConfigurationProblems.Add($"{path}: '{name}' is not a virtual cluster name: use letters, digits and '-' (it becomes part of host names and the virtual_cluster metric label), such as orders.");
        }

        options.Sni.BootstrapHost = options.Sni.BootstrapHost?.Replace(SniOptions.VirtualClusterToken, name, StringComparison.Ordinal);
        options.Sni.HostPattern = options.Sni.HostPattern?.Replace(SniOptions.VirtualClusterToken, name, StringComparison.Ordinal);
    }

    /// <summary>
    /// The full keys of cluster settings given beside <c>Clusters</c>, each with the fix: with virtual clusters every
    /// setting of a cluster belongs under its own section.
    /// </summary>
    public static IEnumerable<string> MisplacedSettings(IConfiguration proxySection)
    {
        string root = proxySection is IConfigurationSection s ? s.Path : string.Empty;
        foreach (var child in proxySection.GetChildren())
        {
            if (!string.Equals(child.Key, Section, StringComparison.OrdinalIgnoreCase)
                && !KafkaProxyOptionsBinder.OtherComponents.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                yield return $"{child.Path} is a setting of one cluster, but {Join(root, Section)} defines virtual clusters: move it under {Join(root, Section)}:<name>:{child.Key} of each cluster that needs it.";
            }
        }
    }

    private static bool IsValidName(string name) =>
        name.Length is > 0 and <= 63 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && name[0] != '-' && name[^1] != '-';

    private static string Join(string a, string b) => a.Length == 0 ? b : $"{a}:{b}";
}
