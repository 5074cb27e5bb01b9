namespace KafkaProxy.Core.Configuration;

/// <summary>
/// SASL authentication of clients at the proxy (<c>--auth-local-*</c> flags, as the Go kafka-proxy names them): a client
/// must authenticate against the credentials file before any of its requests reach a broker. The file holds SCRAM
/// credentials, never passwords; <see cref="Security.ClientCredentialFile"/> makes its lines.
/// </summary>
public sealed class ClientAuthOptions
{
    // Reached through KafkaProxyOptions only.
    internal ClientAuthOptions()
    {
    }

    /// <summary>Clients must authenticate at the proxy (<c>--auth-local-enable</c>).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The mechanisms offered to clients (<c>--auth-local-mechanism</c>, comma-separated; default PLAIN, SCRAM-SHA-256 and
    /// SCRAM-SHA-512). PLAIN sends the password itself: offer it only with <c>--proxy-listener-tls-enable</c> or on a trusted host.
    /// </summary>
    public IList<string> Mechanisms { get; } = [.. SaslMechanismNames.All];

    /// <summary>
    /// The credentials file (<c>--auth-local-credentials-file</c>): one <c>user:SCRAM-SHA-512:salt=…,stored_key=…,server_key=…,iterations=…</c>
    /// line per user and mechanism. Re-read when it changes, so users can be added or removed without a restart.
    /// </summary>
    public string? CredentialsFile { get; set; }

    /// <summary>How long a client may take from connecting to finishing authentication (<c>--auth-local-timeout</c>, default 10 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
