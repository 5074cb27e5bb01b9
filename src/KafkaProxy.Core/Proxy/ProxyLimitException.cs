namespace KafkaProxy.Core.Proxy;

/// <summary>A client went over one of the proxy's limits; its connection is closed.</summary>
internal sealed class ProxyLimitException(string message) : Exception(message);
