namespace KafkaProxy.Core.Security;

/// <summary>
/// TLS or SASL with a broker failed. The message is meant for the log: it says why, names no secret, and holds the
/// broker's own error message where there is one. <see cref="Stage"/> ("tls" or "sasl") labels the failure metric.
/// </summary>
internal sealed class UpstreamSecurityException(string stage, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Stage { get; } = stage;
}
