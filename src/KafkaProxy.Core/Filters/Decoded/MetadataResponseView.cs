using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// A Metadata response (api key 3) as a filter reads it (KafkaResponse.ReadMetadata): the brokers as the client will
/// see them (addresses already rewritten to the proxy's), the cluster id and controller, and per topic its
/// partitions' leaders and replicas. A copy: it stays valid after the filter returns.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class MetadataResponseView
{
    internal MetadataResponseView(IReadOnlyList<BrokerView> brokers, string? clusterId, int controllerId, IReadOnlyList<MetadataTopicView> topics)
    {
        Brokers = brokers;
        ClusterId = clusterId;
        ControllerId = controllerId;
        Topics = topics;
    }

    /// <summary>The brokers, as the client will see them.</summary>
    public IReadOnlyList<BrokerView> Brokers { get; }

    /// <summary>The cluster id (v2+), or null.</summary>
    public string? ClusterId { get; }

    /// <summary>The controller's node id (v1+), -1 when unknown.</summary>
    public int ControllerId { get; }

    /// <summary>The topics, in response order.</summary>
    public IReadOnlyList<MetadataTopicView> Topics { get; }
}
