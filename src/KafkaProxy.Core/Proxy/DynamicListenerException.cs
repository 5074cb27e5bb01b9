namespace KafkaProxy.Core.Proxy;

/// <summary>A broker discovered in a response could not get a listener; the connection whose response named it closes.</summary>
internal sealed class DynamicListenerException(string message) : Exception(message);
