namespace KafkaProxy.Core.Configuration;

/// <summary>
/// SASL toward the brokers (<c>--sasl-*</c> flags): every upstream connection authenticates before any client frame is
/// forwarded. The password is never logged.
/// </summary>
public sealed class UpstreamSaslOptions
{
    // Reached through KafkaProxyOptions only.
    internal UpstreamSaslOptions()
    {
    }

    /// <summary>Authenticate every broker connection (<c>--sasl-enable</c>).</summary>
    public bool Enabled { get; set; }

    /// <summary>PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (<c>--sasl-method</c>, default PLAIN).</summary>
    public string Mechanism { get; set; } = SaslMechanismNames.Plain;

    /// <summary>The user (<c>--sasl-username</c>).</summary>
    public string? Username { get; set; }

    /// <summary>The password (<c>--sasl-password</c>, or the SASL_PASSWORD environment variable).</summary>
    public string? Password { get; set; }

    /// <summary>
    /// A JAAS file whose <c>username="…"</c> and <c>password="…"</c> give the credentials (<c>--sasl-jaas-config-file</c>);
    /// read at start, it takes precedence over <see cref="Username"/> and <see cref="Password"/>, as in the Go kafka-proxy.
    /// </summary>
    public string? JaasConfigFile { get; set; }

    /// <summary>
    /// SaslHandshake version (<c>--sasl-handshake-version</c>): 1 (default) wraps tokens in SaslAuthenticate requests and
    /// allows re-authentication (KIP-368); 0 sends raw tokens, for brokers older than Kafka 1.0.
    /// </summary>
    public short HandshakeVersion { get; set; } = 1;

    /// <summary>How long one authentication exchange may take (default 15 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Re-authenticate when this fraction of the session lifetime the broker grants has passed (default 0.85; the Java
    /// client picks 0.85-0.95). Only with handshake version 1 and a broker that sets a lifetime (connections.max.reauth.ms).
    /// </summary>
    public double ReauthenticateAt { get; set; } = 0.85;
}
