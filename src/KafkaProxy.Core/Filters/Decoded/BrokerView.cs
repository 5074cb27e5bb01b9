using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// A broker as a Metadata or DescribeCluster response names it to the client (its address is the proxy's).
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class BrokerView
{
    internal BrokerView(int nodeId, string host, int port, string? rack)
    {
        NodeId = nodeId;
        Host = host;
        Port = port;
        Rack = rack;
    }

    /// <summary>The broker's node id.</summary>
    public int NodeId { get; }

    /// <summary>The host name the client will connect to.</summary>
    public string Host { get; }

    /// <summary>The port the client will connect to.</summary>
    public int Port { get; }

    /// <summary>The broker's rack, or null.</summary>
    public string? Rack { get; }
}
