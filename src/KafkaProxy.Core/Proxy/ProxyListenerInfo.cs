using System.Net;
using KafkaProxy.Core.Configuration;

namespace KafkaProxy.Core.Proxy;

/// <summary>A listener of a running proxy: which broker it serves, where it is bound and what clients are told.</summary>
/// <param name="Upstream">The broker's address as the cluster advertises it.</param>
/// <param name="LocalEndPoint">Where the listener is bound (with the real port when 0 was asked).</param>
/// <param name="Advertised">The address clients see for this broker.</param>
/// <param name="IsDynamic">True when it was started for a broker discovered in a response.</param>
public sealed record ProxyListenerInfo(HostPort Upstream, IPEndPoint LocalEndPoint, HostPort Advertised, bool IsDynamic);
