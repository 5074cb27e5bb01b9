using System.Net.Sockets;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Security;

/// <summary>
/// What happens on a fresh broker connection before the client's frames flow: a TLS handshake, a SASL exchange, both,
/// or nothing (then the plain socket stream is used as before). Certificates and credentials are loaded once, here.
/// </summary>
internal sealed class UpstreamSecurity
{
    private readonly UpstreamTls? _tls;
    private readonly int _maxFrameSize;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    private UpstreamSecurity(UpstreamTls? tls, UpstreamSaslAuthenticator? sasl, int maxFrameSize, ILogger logger, TimeProvider time)
    {
        _tls = tls;
        _logger = logger;
        _time = time;
        Sasl = sasl;
        _maxFrameSize = maxFrameSize;
    }

    /// <summary>The SASL authenticator, also used to re-authenticate; null without SASL.</summary>
    public UpstreamSaslAuthenticator? Sasl { get; }

    /// <summary>Loads what the options name; warns about insecure settings and open credential files.</summary>
    /// <exception cref="InvalidOperationException">A certificate, key or credential file cannot be used; the message says which and why.</exception>
    public static UpstreamSecurity Create(KafkaProxyOptions options, ILogger logger, TimeProvider time)
    {
        var tlsOptions = options.UpstreamTls;
        UpstreamTls? tls = null;
        if (tlsOptions.Enabled)
        {
            tls = new UpstreamTls(tlsOptions, time);
            if (tlsOptions.InsecureSkipVerify)
            {
                Log.InsecureSkipVerify(logger);
            }

            CredentialFiles.WarnIfOpen(logger, tlsOptions.ClientKeyFile, "KafkaProxy:UpstreamTls:ClientKeyFile");
        }

        var saslOptions = options.UpstreamSasl;
        UpstreamSaslAuthenticator? sasl = null;
        if (saslOptions.Enabled)
        {
            SaslCredentials credentials;
            if (!string.IsNullOrEmpty(saslOptions.JaasConfigFile))
            {
                CredentialFiles.WarnIfOpen(logger, saslOptions.JaasConfigFile, "KafkaProxy:UpstreamSasl:JaasConfigFile");
                credentials = CredentialFiles.ReadJaas(saslOptions.JaasConfigFile);
            }
            else
            {
                credentials = new SaslCredentials(saslOptions.Username ?? string.Empty, saslOptions.Password ?? string.Empty);
            }

            sasl = new UpstreamSaslAuthenticator(saslOptions, credentials);
            if (!tlsOptions.Enabled && saslOptions.Mechanism == SaslMechanismNames.Plain)
            {
                Log.PlainWithoutTls(logger);
            }
        }

        return new UpstreamSecurity(tls, sasl, options.MaxFrameSize, logger, time);
    }

    /// <summary>
    /// Wraps the connected socket: TLS if on, then SASL if on. Returns the stream the pumps use and the SASL session
    /// lifetime in milliseconds (0 when there is none).
    /// </summary>
    /// <exception cref="HandshakeFailedException">TLS or SASL failed; the stream is already closed.</exception>
    public async Task<(Stream Stream, long SessionLifetimeMs)> OpenAsync(Socket socket, string brokerHost, string broker, ReloadableSettings settings)
    {
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            if (_tls is not null)
            {
                (stream, bool missingCertificate) = await _tls.AuthenticateAsync(stream, brokerHost, settings.UpstreamTlsHandshakeTimeout).ConfigureAwait(false);
                if (missingCertificate)
                {
                    Log.ClientCertificateRequested(_logger, broker);
                }
            }

            long lifetime = 0;
            if (Sasl is not null)
            {
                using var timeout = new CancellationTokenSource(settings.UpstreamSaslTimeout, _time);
                try
                {
                    lifetime = await Sasl.AuthenticateAsync(new StreamSaslTransport(stream, _maxFrameSize, timeout.Token)).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex)
                {
                    throw new HandshakeFailedException("sasl", $"no SASL answer from the broker within {settings.UpstreamSaslTimeout}", ex);
                }
                catch (IOException ex)
                {
                    throw new HandshakeFailedException("sasl", $"the connection broke during SASL authentication ({ex.Message}): the broker may not expect SASL here, or it refused the credentials", ex);
                }
            }

            return (stream, lifetime);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
