namespace KafkaProxy.Core.Configuration;

/// <summary>The virtual clusters of the configuration (<c>KafkaProxy:Clusters</c>) as a whole, for the checks across clusters.</summary>
internal sealed class VirtualClustersOptions
{
    /// <summary>The clusters' names, in configuration order.</summary>
    public List<string> Names { get; } = [];

    /// <summary>Problems of the configuration as a whole (settings of a cluster beside <c>Clusters</c>).</summary>
    public List<string> Problems { get; } = [];
}
