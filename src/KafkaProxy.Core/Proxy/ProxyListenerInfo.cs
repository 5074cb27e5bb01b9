using System.Net;
using KafkaProxy.Core.Configuration;

namespace KafkaProxy.Core.Proxy;

/// <summary>A listener of a running proxy: which broker it serves, where it is bound and what clients are told.</summary>
public sealed class ProxyListenerInfo
{
    internal ProxyListenerInfo(HostPort upstream, IPEndPoint localEndPoint, HostPort advertised, bool isDynamic)
    {
        Upstream = upstream;
        LocalEndPoint = localEndPoint;
        Advertised = advertised;
        IsDynamic = isDynamic;
    }

    /// <summary>The broker's address as the cluster advertises it.</summary>
    public HostPort Upstream { get; }

    /// <summary>Where the listener is bound (with the real port when 0 was asked).</summary>
    internal IPEndPoint LocalEndPoint { get; }

    /// <summary>The address clients see for this broker.</summary>
    public HostPort Advertised { get; }

    /// <summary>True when it was started for a broker discovered in a response.</summary>
    internal bool IsDynamic { get; }
}
