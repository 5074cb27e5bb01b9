using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using KafkaProxy.Core.Configuration;

namespace KafkaProxy.Core.Security;

/// <summary>
/// TLS toward the brokers: certificates are loaded once, when the engine is built, and every upstream connection then
/// runs its own handshake. A failed handshake closes only its own connection, with the reason the broker's certificate
/// was refused.
/// </summary>
internal sealed class UpstreamTls
{
    private const SslProtocols MinimumTls12 = SslProtocols.Tls12 | SslProtocols.Tls13;

    private readonly UpstreamTlsOptions _options;
    private readonly X509Certificate2Collection? _trusted;
    private readonly X509Certificate2? _clientCertificate;
    private readonly TimeProvider _time;

    public UpstreamTls(UpstreamTlsOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        if (!string.IsNullOrEmpty(options.CaChainCertFile))
        {
            _trusted = CertificateFiles.LoadBundle(options.CaChainCertFile, "KafkaProxy:UpstreamTls:CaChainCertFile");
        }

        if (!string.IsNullOrEmpty(options.ClientCertFile) && !string.IsNullOrEmpty(options.ClientKeyFile))
        {
            _clientCertificate = CertificateFiles.LoadWithKey(options.ClientCertFile, options.ClientKeyFile, options.ClientKeyPassword, "KafkaProxy:UpstreamTls:ClientCertFile", "KafkaProxy:UpstreamTls:ClientKeyFile");
        }
    }

    /// <summary>
    /// Runs the client side of a TLS handshake over <paramref name="inner"/> (which the returned stream then owns).
    /// <c>MissingClientCertificate</c> is true when the broker asked for a client certificate and none is configured:
    /// with TLS 1.3 a broker that requires one closes the connection only after the handshake, so the caller warns.
    /// </summary>
    /// <exception cref="HandshakeFailedException">The handshake failed; the message says why and names no secret.</exception>
    public async Task<(SslStream Stream, bool MissingClientCertificate)> AuthenticateAsync(Stream inner, string brokerHost, TimeSpan handshakeTimeout)
    {
        string? refusal = null;
        bool certificateRequested = false;
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false, (_, certificate, chain, errors) => Verify(certificate, chain, errors, out refusal));
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = _options.ServerName ?? brokerHost,
            EnabledSslProtocols = MinimumTls12,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            LocalCertificateSelectionCallback = (_, _, _, _, _) =>
            {
                certificateRequested = true;
                return _clientCertificate!;
            },
        };
        try
        {
            using var timeout = new CancellationTokenSource(handshakeTimeout, _time);
            await ssl.AuthenticateAsClientAsync(authentication, timeout.Token).ConfigureAwait(false);
            return (ssl, certificateRequested && _clientCertificate is null);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            string reason = refusal
                ?? (ex is OperationCanceledException ? $"no TLS handshake within {handshakeTimeout}" : Describe(ex));
            throw new HandshakeFailedException("tls", $"TLS handshake failed: {reason}", ex);
        }
    }

    // Records why a certificate was refused, because SslStream's own exception only says "remote certificate is invalid".
    private bool Verify(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, out string? refusal)
    {
        refusal = null;
        if (_options.InsecureSkipVerify)
        {
            return true;
        }

        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            refusal = "the broker sent no certificate";
            return false;
        }

        var problems = new List<string>();
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            problems.Add($"the certificate does not name '{_options.ServerName ?? "the broker's host"}' (subject '{certificate.Subject}'); set KafkaProxy:UpstreamTls:ServerName to the name it carries, or fix the certificate");
        }

        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
            var chainProblems = ChainProblems(leaf, chain);
            if (chainProblems.Count > 0)
            {
                problems.Add($"certificate '{leaf.Subject}' (issuer '{leaf.Issuer}') is not trusted: {string.Join("; ", chainProblems)}");
            }
        }

        if (problems.Count == 0)
        {
            return true;
        }

        refusal = string.Join("; ", problems);
        return false;
    }

    // Validates with the configured CA bundle (and, if asked, the system store too); returns what is wrong, empty when trusted.
    private List<string> ChainProblems(X509Certificate2 leaf, X509Chain? presented)
    {
        var problems = new List<string>();
        if (_trusted is not null)
        {
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(_trusted);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            AddIntermediates(custom, presented);
            if (custom.Build(leaf))
            {
                return problems;
            }

            problems.AddRange(Statuses(custom, "with KafkaProxy:UpstreamTls:CaChainCertFile"));
            if (!_options.UseSystemTrustStore)
            {
                return problems;
            }
        }

        using var system = new X509Chain();
        system.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        AddIntermediates(system, presented);
        if (system.Build(leaf))
        {
            return [];
        }

        problems.AddRange(Statuses(system, "with the system trust store"));
        return problems;
    }

    private static void AddIntermediates(X509Chain chain, X509Chain? presented)
    {
        if (presented is null)
        {
            return;
        }

        foreach (var element in presented.ChainElements)
        {
            chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
    }

    private static IEnumerable<string> Statuses(X509Chain chain, string how) =>
        chain.ChainStatus.Select(s => s.Status).Distinct().Select(s => s switch
        {
            X509ChainStatusFlags.NotTimeValid => $"expired or not yet valid ({how})",
            X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain => $"signed by an unknown CA ({s}, {how})",
            _ => $"{s} ({how})",
        });

    private string Describe(Exception ex)
    {
        // The innermost message is the useful one (an alert from the broker, a reset connection).
        var inner = ex;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        string detail = ReferenceEquals(inner, ex) ? ex.Message : $"{ex.Message} ({inner.Message})";
        return _clientCertificate is null
            ? $"{detail}; if the broker requires a client certificate, set KafkaProxy:UpstreamTls:ClientCertFile and KafkaProxy:UpstreamTls:ClientKeyFile"
            : detail;
    }
}
