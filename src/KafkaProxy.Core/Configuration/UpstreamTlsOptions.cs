namespace KafkaProxy.Core.Configuration;

/// <summary>TLS toward the brokers (<c>--tls-*</c> flags). Off by default; TLS 1.2 is the lowest version offered.</summary>
public sealed class UpstreamTlsOptions
{
    // Reached through KafkaProxyOptions only.
    internal UpstreamTlsOptions()
    {
    }

    /// <summary>Connect to brokers with TLS (<c>--tls-enable</c>).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// PEM file of the CA certificates that sign the brokers' certificates (<c>--tls-ca-chain-cert-file</c>). When set,
    /// only these CAs are trusted, unless <see cref="UseSystemTrustStore"/> is also set; when not set, the system trust
    /// store is used.
    /// </summary>
    public string? CaChainCertFile { get; set; }

    /// <summary>Also trust the system's CA store when <see cref="CaChainCertFile"/> is set (<c>--tls-system-cert-pool</c>).</summary>
    public bool UseSystemTrustStore { get; set; }

    /// <summary>PEM file of the proxy's client certificate, for brokers that require mutual TLS (<c>--tls-client-cert-file</c>).</summary>
    public string? ClientCertFile { get; set; }

    /// <summary>PEM file of the client certificate's private key, PKCS#8 or PKCS#1, optionally encrypted (<c>--tls-client-key-file</c>).</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>Password of an encrypted client key (<c>--tls-client-key-password</c>, or the TLS_CLIENT_KEY_PASSWORD environment variable).</summary>
    public string? ClientKeyPassword { get; set; }

    /// <summary>
    /// The name sent as SNI and checked against the broker's certificate (<c>--tls-server-name</c>); by default the
    /// broker's host as advertised (not the dial address).
    /// </summary>
    public string? ServerName { get; set; }

    /// <summary>Accept any broker certificate (<c>--tls-insecure-skip-verify</c>). For tests only: anyone on the path can read the traffic.</summary>
    public bool InsecureSkipVerify { get; set; }

    /// <summary>How long a TLS handshake with a broker may take (default 15 s).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
