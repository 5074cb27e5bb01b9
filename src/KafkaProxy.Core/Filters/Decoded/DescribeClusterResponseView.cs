using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// A DescribeCluster response (api key 60) as a filter reads it (KafkaResponse.ReadDescribeCluster). A copy.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class DescribeClusterResponseView
{
    internal DescribeClusterResponseView(short errorCode, string? errorMessage, string clusterId, int controllerId, IReadOnlyList<BrokerView> brokers)
    {
        ErrorCode = errorCode;
        ErrorMessage = errorMessage;
        ClusterId = clusterId;
        ControllerId = controllerId;
        Brokers = brokers;
    }

    /// <summary>The error code, 0 for none.</summary>
    public short ErrorCode { get; }

    /// <summary>The error message, or null.</summary>
    public string? ErrorMessage { get; }

    /// <summary>The cluster id.</summary>
    public string ClusterId { get; }

    /// <summary>The controller's node id, -1 when unknown.</summary>
    public int ControllerId { get; }

    /// <summary>The brokers, as the client will see them.</summary>
    public IReadOnlyList<BrokerView> Brokers { get; }
}
