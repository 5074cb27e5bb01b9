using KafkaProxy.Core.Proxy;
using System.Buffers;
using System.Buffers.Binary;
using KafkaProxy.Protocol.Frames;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.ApiVersions;
using KafkaProxy.Protocol.Messages.Sasl;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Core.Security.ClientAuth;

/// <summary>
/// One client's authentication at the proxy, before any of its frames reach a broker. The client may send ApiVersions
/// (forwarded to the broker, clamped as usual, with SaslHandshake v0-1 and SaslAuthenticate v0-2 added), then
/// SaslHandshake and the mechanism's tokens: raw after handshake v0, in SaslAuthenticate requests after v1. Anything
/// else ends the connection. Frames are read exactly, so nothing after the exchange is consumed here.
/// </summary>
internal sealed class ClientAuthExchange
{
    /// <summary>
    /// The largest frame a client may send before it authenticated: ApiVersions and PLAIN or SCRAM tokens are well
    /// under 1 KiB, and every unauthenticated connection may hold one such buffer (Kafka allows 512 KiB, for GSSAPI).
    /// </summary>
    public const int MaxUnauthenticatedFrameSize = 8 * 1024;

    private const short UnsupportedSaslMechanism = 33;
    private const short SaslAuthenticationFailed = 58;
    private static readonly ApiVersionsResponseApiKey[] SaslApiKeys =
    [
        new() { ApiKey = (short)ApiKey.SaslHandshake, MinVersion = SaslHandshakeRequest.LowestSupportedVersion, MaxVersion = SaslHandshakeRequest.HighestSupportedVersion },
        new() { ApiKey = (short)ApiKey.SaslAuthenticate, MinVersion = SaslAuthenticateRequest.LowestSupportedVersion, MaxVersion = SaslAuthenticateRequest.HighestSupportedVersion },
    ];

    private readonly Stream _client;
    private readonly Stream _upstream;
    private readonly ResponseRewriter _rewriter;
    private readonly IReadOnlyList<string> _mechanisms;
    private readonly ClientCredentialStore _store;
    private readonly int _maxUpstreamFrameSize;
    private readonly CancellationToken _cancellationToken;
    private SaslServerMechanism? _mechanism;
    private bool _rawTokens;

    public ClientAuthExchange(Stream client, Stream upstream, ResponseRewriter rewriter, IReadOnlyList<string> mechanisms, ClientCredentialStore store, int maxUpstreamFrameSize, CancellationToken cancellationToken)
    {
        _client = client;
        _upstream = upstream;
        _rewriter = rewriter;
        _mechanisms = mechanisms;
        _store = store;
        _maxUpstreamFrameSize = maxUpstreamFrameSize;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The mechanism the client chose, once it sent SaslHandshake.</summary>
    public string? Mechanism => _mechanism?.Name;

    /// <summary>Runs the exchange to its end and returns the authenticated user.</summary>
    /// <exception cref="ClientAuthRefusedException">The client failed to authenticate (it was told why where the protocol allows).</exception>
    /// <exception cref="UnauthenticatedRequestException">The client sent another request first.</exception>
    /// <exception cref="KafkaProtocolException">A frame is malformed.</exception>
    public async Task<string> RunAsync()
    {
        while (true)
        {
            byte[] payload = await ReadFrameAsync(_client, _rawTokens ? 0 : RequestHeader.PrefixLength, MaxUnauthenticatedFrameSize, "client").ConfigureAwait(false);
            if (_rawTokens)
            {
                // After SaslHandshake v0 the tokens travel bare, and a refusal can only be told by closing.
                byte[] answer = _mechanism!.Evaluate(payload);
                await WriteAsync(_client, ProxyFrames.Frame(answer)).ConfigureAwait(false);
            }
            else
            {
                await HandleRequestAsync(payload).ConfigureAwait(false);
            }

            if (_mechanism is { IsComplete: true, User: { } user })
            {
                return user;
            }
        }
    }

    private async Task HandleRequestAsync(byte[] payload)
    {
        var sequence = new ReadOnlySequence<byte>(payload);
        var header = RequestHeader.Read(sequence);
        switch ((ApiKey)header.ApiKey)
        {
            case ApiKey.ApiVersions when _mechanism is null:
                await ForwardApiVersionsAsync(payload, header).ConfigureAwait(false);
                break;
            case ApiKey.SaslHandshake when _mechanism is null:
                await HandshakeAsync(sequence, header).ConfigureAwait(false);
                break;
            case ApiKey.SaslAuthenticate when _mechanism is not null:
                await AuthenticateAsync(sequence, header).ConfigureAwait(false);
                break;
            default:
                string name = Enum.IsDefined((ApiKey)header.ApiKey) ? $"{(ApiKey)header.ApiKey} (api key {header.ApiKey})" : $"api key {header.ApiKey}";
                string stage = _mechanism is null ? "before authenticating" : $"during its {_mechanism.Name} exchange";
                throw new UnauthenticatedRequestException(header.ApiKey, $"the client sent {name} {stage}; the proxy requires SASL authentication (KafkaProxy:ClientAuth:Enabled): configure the client with security.protocol=SASL_PLAINTEXT (or SASL_SSL) and one of {string.Join(", ", _mechanisms)}");
        }
    }

    private async Task HandshakeAsync(ReadOnlySequence<byte> payload, RequestHeader header)
    {
        var request = ReadBody(payload, header, SaslHandshakeRequest.Read);
        string? offered = _mechanisms.FirstOrDefault(m => m == request.Mechanism);
        var response = new SaslHandshakeResponse { ErrorCode = offered is null ? UnsupportedSaslMechanism : (short)0, Mechanisms = [.. _mechanisms] };
        await RespondAsync(header, w => response.Write(w, header.ApiVersion)).ConfigureAwait(false);
        if (offered is null)
        {
            throw ClientAuthRefusedException.Malformed($"the client asked for SASL mechanism {LogText.Quote(request.Mechanism)}; the proxy offers {string.Join(", ", _mechanisms)}");
        }

        _mechanism = SaslServerMechanism.Create(offered, _store);
        _rawTokens = header.ApiVersion == 0;
    }

    private async Task AuthenticateAsync(ReadOnlySequence<byte> payload, RequestHeader header)
    {
        var request = ReadBody(payload, header, SaslAuthenticateRequest.Read);
        byte[] answer;
        try
        {
            answer = _mechanism!.Evaluate(request.AuthBytes.Span);
        }
        catch (ClientAuthRefusedException ex)
        {
            var refusal = new SaslAuthenticateResponse { ErrorCode = SaslAuthenticationFailed, ErrorMessage = ex.ClientMessage };
            await RespondAsync(header, w => refusal.Write(w, header.ApiVersion)).ConfigureAwait(false);
            throw;
        }

        // Session lifetime 0: the proxy does not ask clients to re-authenticate (KIP-368).
        var response = new SaslAuthenticateResponse { AuthBytes = answer };
        await RespondAsync(header, w => response.Write(w, header.ApiVersion)).ConfigureAwait(false);
    }

    // The broker's answer, clamped like every ApiVersions response through the proxy, plus the SASL api keys the proxy
    // itself answers. An error answer (35, a version the broker lacks) passes as the broker sent it, for the client's retry.
    private async Task ForwardApiVersionsAsync(byte[] request, RequestHeader header)
    {
        await WriteAsync(_upstream, ProxyFrames.Frame(request)).ConfigureAwait(false);
        byte[] payload = await ReadFrameAsync(_upstream, ResponseHeader.CorrelationIdLength, _maxUpstreamFrameSize, "broker").ConfigureAwait(false);
        if (BinaryPrimitives.ReadInt32BigEndian(payload) != header.CorrelationId)
        {
            throw new KafkaProtocolException($"the broker answered ApiVersions (correlation id {header.CorrelationId}) with a response that does not match it", header.ApiKey, header.ApiVersion, 0);
        }

        var clamped = new ArrayBufferWriter<byte>(payload.Length + 16);
        _rewriter.Rewrite(header.ApiKey, header.ApiVersion, new ReadOnlySequence<byte>(payload), clamped);
        var body = new ReadOnlySequence<byte>(clamped.WrittenMemory[(KafkaFrame.SizePrefixLength + ResponseHeader.CorrelationIdLength)..]);
        if (body.Length < 2 || BinaryPrimitives.ReadInt16BigEndian(body.FirstSpan) != 0)
        {
            await WriteAsync(_client, clamped.WrittenMemory).ConfigureAwait(false);
            return;
        }

        var reader = new KafkaReader(body, header.ApiKey, header.ApiVersion);
        var response = ApiVersionsResponse.Read(ref reader, header.ApiVersion);
        var keys = response.ApiKeys.Where(k => k.ApiKey is not ((short)ApiKey.SaslHandshake or (short)ApiKey.SaslAuthenticate)).Concat(SaslApiKeys);
        response.ApiKeys = [.. keys.OrderBy(k => k.ApiKey)];
        await RespondAsync(header, w => response.Write(w, header.ApiVersion)).ConfigureAwait(false);
    }

    private delegate T BodyReader<out T>(ref KafkaReader reader, short version);

    private static T ReadBody<T>(ReadOnlySequence<byte> payload, RequestHeader header, BodyReader<T> read)
    {
        var reader = new KafkaReader(payload, header.ApiKey, header.ApiVersion);
        header.SkipHeader(ref reader);
        return read(ref reader, header.ApiVersion);
    }

    private Task RespondAsync(RequestHeader request, Action<IBufferWriter<byte>> body)
    {
        var payload = new ArrayBufferWriter<byte>(256);
        payload.WriteInt32(request.CorrelationId);
        if (KafkaApis.ResponseHeaderVersion(request.ApiKey, request.ApiVersion) >= 1)
        {
            payload.WriteUnsignedVarInt(0); // no tagged fields
        }

        body(payload);
        return WriteAsync(_client, ProxyFrames.Frame(payload.WrittenSpan));
    }

    private async Task WriteAsync(Stream stream, ReadOnlyMemory<byte> frame)
    {
        await stream.WriteAsync(frame, _cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(_cancellationToken).ConfigureAwait(false);
    }

    private async Task<byte[]> ReadFrameAsync(Stream stream, int minSize, int maxSize, string peer)
    {
        var prefix = new byte[KafkaFrame.SizePrefixLength];
        await stream.ReadExactlyAsync(prefix, _cancellationToken).ConfigureAwait(false);
        int size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (size < minSize || size > maxSize)
        {
            throw new KafkaProtocolException($"the {peer} sent a frame of {size} bytes during client authentication (allowed: {minSize} to {maxSize})", offset: 0);
        }

        var payload = new byte[size];
        await stream.ReadExactlyAsync(payload, _cancellationToken).ConfigureAwait(false);
        return payload;
    }
}
