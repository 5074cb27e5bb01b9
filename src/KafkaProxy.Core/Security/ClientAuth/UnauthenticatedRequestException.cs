namespace KafkaProxy.Core.Security.ClientAuth;

/// <summary>A client sent a request other than ApiVersions and the SASL exchange before it authenticated at the proxy.</summary>
internal sealed class UnauthenticatedRequestException(short apiKey, string message) : Exception(message)
{
    public short ApiKey { get; } = apiKey;
}
