namespace KafkaProxy.Core.Configuration;

/// <summary>TLS on the proxy's listeners, toward the clients (<c>--proxy-listener-*</c> flags, as the Go kafka-proxy names them).</summary>
public sealed class ClientTlsOptions
{
    // Reached through KafkaProxyOptions only.
    internal ClientTlsOptions()
    {
    }

    /// <summary>Clients must connect with TLS (<c>--proxy-listener-tls-enable</c>); every listener, mapped and dynamic, then speaks TLS.</summary>
    public bool Enabled { get; set; }

    /// <summary>PEM file of the proxy's server certificate, with its chain if any (<c>--proxy-listener-cert-file</c>).</summary>
    public string? CertFile { get; set; }

    /// <summary>PEM file of the server certificate's private key (<c>--proxy-listener-key-file</c>).</summary>
    public string? KeyFile { get; set; }

    /// <summary>Password of an encrypted key (<c>--proxy-listener-key-password</c>, or the PROXY_LISTENER_KEY_PASSWORD environment variable).</summary>
    public string? KeyPassword { get; set; }

    /// <summary>
    /// PEM file of the CAs that sign client certificates (<c>--proxy-listener-ca-chain-cert-file</c>): when set, every
    /// client must present a certificate one of them signed (mutual TLS).
    /// </summary>
    public string? ClientCaChainCertFile { get; set; }

    /// <summary>How long a client's TLS handshake may take (default 15 s).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
