using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using KafkaProxy.Core.Configuration;

namespace KafkaProxy.Core.Filters;

/// <summary>What a filter knows about the connection a request or response belongs to; one per client connection.</summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class KafkaConnectionInfo
{
    private ConcurrentDictionary<string, object?>? _items;

    internal KafkaConnectionInfo(long id, EndPoint? clientAddress, HostPort broker, EndPoint? listener)
    {
        Id = id;
        ClientAddress = clientAddress;
        Broker = broker;
        Listener = listener;
    }

    /// <summary>The connection's id, as logs name it.</summary>
    public long Id { get; }

    /// <summary>The client's address.</summary>
    public EndPoint? ClientAddress { get; }

    /// <summary>The broker this connection is forwarded to, as the cluster advertises it.</summary>
    public HostPort Broker { get; }

    /// <summary>The proxy's local address the client connected to.</summary>
    public EndPoint? Listener { get; }

    /// <summary>The user the client authenticated as at the proxy (with client authentication on), or null.</summary>
    public string? Principal { get; internal set; }

    /// <summary>The server name the client asked for in its TLS handshake (SNI), with client TLS on; or null.</summary>
    public string? ServerName { get; internal set; }

    /// <summary>
    /// The virtual cluster the connection belongs to (<c>KafkaProxy:Clusters:&lt;name&gt;</c>), or null for a proxy without
    /// virtual clusters: a filter registered once serves every cluster, and tells them apart by this.
    /// </summary>
    public string? VirtualCluster { get; internal set; }

    /// <summary>
    /// When the proxy's SASL exchange with the broker began, by the engine's clock, and the session lifetime the broker
    /// granted in milliseconds (0: none); for the proxy's re-authentication.
    /// </summary>
    internal (DateTimeOffset StartedAt, long LifetimeMs) UpstreamSession { get; set; }

    /// <summary>
    /// State filters keep for this connection (for example counters), under keys of their own; lives as long as the
    /// connection. A thread-safe dictionary: requests of one connection reach the filters one at a time, and so do its
    /// responses, but the two directions run at once. An object stored here and changed from both sides needs its own lock.
    /// </summary>
    public IDictionary<string, object?> Items => LazyInitializer.EnsureInitialized(ref _items, () => new ConcurrentDictionary<string, object?>(StringComparer.Ordinal));
}
