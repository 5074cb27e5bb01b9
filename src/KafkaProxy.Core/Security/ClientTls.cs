using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using KafkaProxy.Core.Configuration;

namespace KafkaProxy.Core.Security;

/// <summary>
/// TLS on the proxy's listeners: the server certificate is loaded once, at start; each client runs its own handshake,
/// and a failed one closes only that client's connection.
/// </summary>
internal sealed class ClientTls
{
    private readonly SslStreamCertificateContext _certificate;
    private readonly X509Certificate2Collection? _clientCas;
    private readonly TimeProvider _time;

    public ClientTls(ClientTlsOptions options, TimeProvider time)
    {
        _time = time;
        var certificate = CertificateFiles.LoadWithKey(options.CertFile!, options.KeyFile!, options.KeyPassword, "KafkaProxy:ClientTls:CertFile", "KafkaProxy:ClientTls:KeyFile");
        // The rest of the certificate file (intermediates) goes out with the leaf.
        var chain = CertificateFiles.LoadBundle(options.CertFile!, "KafkaProxy:ClientTls:CertFile");
        var intermediates = new X509Certificate2Collection();
        foreach (var c in chain)
        {
            if (c.Thumbprint != certificate.Thumbprint)
            {
                intermediates.Add(c);
            }
        }

        _certificate = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
        if (!string.IsNullOrEmpty(options.ClientCaChainCertFile))
        {
            _clientCas = CertificateFiles.LoadBundle(options.ClientCaChainCertFile, "KafkaProxy:ClientTls:ClientCaChainCertFile");
        }
    }

    /// <summary>Runs the server side of a handshake over <paramref name="inner"/>, which the returned stream then owns, within <paramref name="handshakeTimeout"/>.</summary>
    /// <exception cref="HandshakeFailedException">The handshake failed (stage "client_tls"); the message says why.</exception>
    public async Task<SslStream> AuthenticateAsync(Stream inner, TimeSpan handshakeTimeout)
    {
        string? refusal = null;
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false, (_, certificate, _, errors) => Verify(certificate, errors, out refusal));
        var authentication = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = _certificate,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateRequired = _clientCas is not null,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        try
        {
            using var timeout = new CancellationTokenSource(handshakeTimeout, _time);
            await ssl.AuthenticateAsServerAsync(authentication, timeout.Token).ConfigureAwait(false);
            return ssl;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            string reason = refusal ?? (ex is OperationCanceledException ? $"no TLS handshake within {handshakeTimeout}" : ex.Message);
            throw new HandshakeFailedException("client_tls", $"TLS handshake with the client failed: {reason}", ex);
        }
    }

    private bool Verify(X509Certificate? certificate, SslPolicyErrors errors, out string? refusal)
    {
        refusal = null;
        if (_clientCas is null)
        {
            return true;
        }

        if (certificate is null)
        {
            refusal = "the client sent no certificate, and KafkaProxy:ClientTls:ClientCaChainCertFile requires one";
            return false;
        }

        var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_clientCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain.Build(leaf))
        {
            return true;
        }

        refusal = $"client certificate '{leaf.Subject}' (issuer '{leaf.Issuer}') is not signed by a CA of KafkaProxy:ClientTls:ClientCaChainCertFile ({string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct())}; {errors})";
        return false;
    }
}
