using System.Buffers;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.Sasl;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Security;

/// <summary>
/// Authenticates the proxy to a broker: SaslHandshake, then the mechanism's tokens, raw after handshake v0 or in
/// SaslAuthenticate v1 requests after handshake v1 (whose responses carry the session lifetime, KIP-368).
/// </summary>
internal sealed class UpstreamSaslAuthenticator
{
    private const short AuthenticateVersion = 1;
    private readonly UpstreamSaslOptions _options;
    private readonly SaslCredentials _credentials;

    public UpstreamSaslAuthenticator(UpstreamSaslOptions options, SaslCredentials credentials)
    {
        _options = options;
        _credentials = credentials;
    }

    public string Mechanism => _options.Mechanism;

    /// <summary>
    /// Runs one whole exchange. Returns the session lifetime the broker granted in milliseconds (0: no limit, or
    /// handshake v0, which cannot re-authenticate).
    /// </summary>
    /// <exception cref="HandshakeFailedException">The broker refused; the message carries the broker's error message.</exception>
    public Task<long> AuthenticateAsync(ISaslTransport transport) => AuthenticateAsync(transport, _options.HandshakeVersion);

    /// <summary>Re-authentication (KIP-368) always uses handshake v1.</summary>
    public Task<long> ReauthenticateAsync(ISaslTransport transport) => AuthenticateAsync(transport, 1);

    private async Task<long> AuthenticateAsync(ISaslTransport transport, short handshakeVersion)
    {
        var mechanism = SaslClientMechanism.Create(_options.Mechanism, _credentials);
        byte[] handshakeBody = await transport.RequestAsync(ApiKey.SaslHandshake, handshakeVersion, w => new SaslHandshakeRequest { Mechanism = mechanism.Name }.Write(w, handshakeVersion)).ConfigureAwait(false);
        var handshake = Read(handshakeBody, ApiKey.SaslHandshake, handshakeVersion, SaslHandshakeResponse.Read);
        if (handshake.ErrorCode != 0)
        {
            throw new HandshakeFailedException("sasl", $"the broker refused SASL mechanism {mechanism.Name} (error {ErrorName(handshake.ErrorCode)}); it offers [{string.Join(", ", handshake.Mechanisms)}]: set KafkaProxy:UpstreamSasl:Mechanism to one of them");
        }

        long lifetime = 0;
        byte[]? token = mechanism.Start();
        while (token is not null)
        {
            byte[] challenge;
            if (handshakeVersion == 0)
            {
                challenge = await RawAsync(transport, token).ConfigureAwait(false);
            }
            else
            {
                byte[] sent = token;
                byte[] body = await transport.RequestAsync(ApiKey.SaslAuthenticate, AuthenticateVersion, w => new SaslAuthenticateRequest { AuthBytes = sent }.Write(w, AuthenticateVersion)).ConfigureAwait(false);
                var response = Read(body, ApiKey.SaslAuthenticate, AuthenticateVersion, SaslAuthenticateResponse.Read);
                if (response.ErrorCode != 0)
                {
                    throw new HandshakeFailedException("sasl", $"the broker refused {mechanism.Name} authentication (error {ErrorName(response.ErrorCode)}): {response.ErrorMessage ?? "no message"}");
                }

                challenge = response.AuthBytes.ToArray();
                lifetime = response.SessionLifetimeMs;
            }

            token = mechanism.Next(challenge);
        }

        return lifetime;
    }

    private static async Task<byte[]> RawAsync(ISaslTransport transport, byte[] token)
    {
        try
        {
            return await transport.RawTokenAsync(token).ConfigureAwait(false);
        }
        catch (EndOfStreamException ex)
        {
            // After handshake v0 a broker reports a refusal only by closing the connection.
            throw new HandshakeFailedException("sasl", "the broker closed the connection during SASL authentication (handshake v0 carries no reason): check the credentials and KafkaProxy:UpstreamSasl:Mechanism", ex);
        }
    }

    private delegate T BodyReader<out T>(ref KafkaReader reader, short version);

    private static T Read<T>(byte[] body, ApiKey apiKey, short version, BodyReader<T> read)
    {
        try
        {
            var reader = new KafkaReader(new ReadOnlySequence<byte>(body), (short)apiKey, version);
            return read(ref reader, version);
        }
        catch (KafkaProtocolException ex)
        {
            throw new HandshakeFailedException("sasl", $"the broker's {apiKey} v{version} response is malformed: {ex.Message}", ex);
        }
    }

    private static string ErrorName(short code) => code switch
    {
        33 => "33 UNSUPPORTED_SASL_MECHANISM",
        34 => "34 ILLEGAL_SASL_STATE",
        35 => "35 UNSUPPORTED_VERSION",
        58 => "58 SASL_AUTHENTICATION_FAILED",
        _ => code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
