using System.Net;
using KafkaProxy.Core.Configuration;

namespace KafkaProxy.Core.Filters;

/// <summary>What a filter knows about the connection a request came on; one per client connection.</summary>
internal sealed class KafkaConnectionInfo(long id, EndPoint? clientAddress, HostPort broker, EndPoint? listener)
{
    /// <summary>The connection's id, as logs name it.</summary>
    public long Id { get; } = id;

    /// <summary>The client's address.</summary>
    public EndPoint? ClientAddress { get; } = clientAddress;

    /// <summary>The broker this connection is forwarded to, as the cluster advertises it.</summary>
    public HostPort Broker { get; } = broker;

    /// <summary>The proxy's local address the client connected to.</summary>
    public EndPoint? Listener { get; } = listener;

    /// <summary>The user the client authenticated as at the proxy, or null.</summary>
    public string? Principal { get; internal set; }

    /// <summary>State a filter keeps for this connection (for example counters); lives as long as the connection.</summary>
    public IDictionary<string, object?> Items => _items ??= new Dictionary<string, object?>(StringComparer.Ordinal);

    private Dictionary<string, object?>? _items;
}
