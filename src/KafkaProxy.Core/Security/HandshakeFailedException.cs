namespace KafkaProxy.Core.Security;

/// <summary>
/// TLS or SASL with a broker, or TLS or authentication with a client, failed. The message is meant for the log: it says why, names no secret, and holds the
/// broker's own error message where there is one. <see cref="Stage"/> (tls, sasl, reauth, client_tls, client_auth) labels the failure metric.
/// </summary>
internal sealed class HandshakeFailedException(string stage, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Stage { get; } = stage;
}
