using System.Buffers.Binary;
using System.Net.Sockets;
using System.Threading.Channels;

namespace KafkaProxy.Testing.Sasl;

/// <summary>
/// One client of a <see cref="SaslFront"/>. Requests are read in order; each leaves a slot saying where its response
/// comes from (the broker, or the front itself for the SASL exchange), and one responder writes the responses in
/// slot order, so that a re-authentication between relayed requests keeps every response in its place.
/// </summary>
internal sealed class SaslFrontConnection(SaslFront front, Socket client, Socket broker) : IDisposable
{
    private const short UnsupportedSaslMechanism = 33;
    private const short IllegalSaslState = 34;
    private const short SaslAuthenticationFailed = 58;

    private readonly Channel<Slot> _slots = Channel.CreateUnbounded<Slot>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly NetworkStream _client = new(client, ownsSocket: false);
    private readonly NetworkStream _broker = new(broker, ownsSocket: false);
    private SaslServerExchange? _exchange;
    private string? _mechanism;
    private string? _user;
    private bool _rawTokens;
    private bool _authenticated;
    private long _expiresAt;

    public async Task RunAsync()
    {
        var responder = RespondAsync();
        try
        {
            await ReadRequestsAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidDataException or ArgumentOutOfRangeException or ChannelClosedException)
        {
            // The client or the broker went away, or sent something the front cannot read: the connection ends.
        }
        finally
        {
            _slots.Writer.TryComplete();
        }

        try
        {
            await responder.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidDataException)
        {
            // As above.
        }

        Dispose();
    }

    public void Dispose()
    {
        Close();
        _client.Dispose();
        _broker.Dispose();
    }

    public void Close()
    {
        KafkaWire.Close(client);
        KafkaWire.Close(broker);
    }

    private async Task ReadRequestsAsync()
    {
        while (await KafkaWire.ReadFrameAsync(_client, CancellationToken.None).ConfigureAwait(false) is { } request)
        {
            if (_rawTokens)
            {
                if (!RawToken(request))
                {
                    return;
                }

                continue;
            }

            short apiKey = BinaryPrimitives.ReadInt16BigEndian(request);
            short version = BinaryPrimitives.ReadInt16BigEndian(request.AsSpan(2));
            int correlationId = BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(4));
            bool keepGoing = apiKey switch
            {
                KafkaWire.ApiVersionsKey => await RelayAsync(request, expectsResponse: true, apiVersionsVersion: version).ConfigureAwait(false),
                KafkaWire.SaslHandshakeKey => Handshake(request, version, correlationId),
                KafkaWire.SaslAuthenticateKey => Authenticate(request, version, correlationId),
                _ => await RelayOtherAsync(request, apiKey).ConfigureAwait(false),
            };
            if (!keepGoing)
            {
                return;
            }
        }
    }

    private async Task<bool> RelayOtherAsync(byte[] request, short apiKey)
    {
        if (!_authenticated)
        {
            front.Refused();
            return false; // a broker closes a connection that skips authentication
        }

        if (_expiresAt != 0 && Environment.TickCount64 > _expiresAt)
        {
            front.Expired();
            return false; // KIP-368: a request after the session expired closes the connection
        }

        bool expectsResponse = apiKey != KafkaWire.ProduceKey || KafkaWire.ProduceAcks(request) != 0;
        return await RelayAsync(request, expectsResponse, apiVersionsVersion: -1).ConfigureAwait(false);
    }

    private async Task<bool> RelayAsync(byte[] request, bool expectsResponse, short apiVersionsVersion)
    {
        if (expectsResponse)
        {
            await _slots.Writer.WriteAsync(new Slot(null, apiVersionsVersion, CloseAfter: false)).ConfigureAwait(false);
        }

        await _broker.WriteAsync(KafkaWire.Frame(request)).ConfigureAwait(false);
        return true;
    }

    private bool Handshake(byte[] request, short version, int correlationId)
    {
        int offset = KafkaWire.BodyOffset(request, flexibleHeader: false);
        string mechanism = KafkaWire.ReadString(request, ref offset);
        var response = new KafkaWire.Writer().Int32(correlationId);
        bool known = front.Options.Mechanisms.Contains(mechanism);
        bool allowed = version is 0 or 1 && known && (!_authenticated || (version == 1 && mechanism == _mechanism));
        response.Int16(allowed ? (short)0 : known ? IllegalSaslState : UnsupportedSaslMechanism).Int32(front.Options.Mechanisms.Count);
        foreach (string offered in front.Options.Mechanisms)
        {
            response.String(offered);
        }

        Reply(response.ToArray(), closeAfter: !allowed);
        if (!allowed)
        {
            front.Refused();
            return false;
        }

        _mechanism = mechanism;
        _exchange = SaslServerExchange.Create(mechanism, front.Options, front.Users);
        _rawTokens = version == 0;
        return true;
    }

    private bool Authenticate(byte[] request, short version, int correlationId)
    {
        var response = new KafkaWire.Writer().Int32(correlationId);
        if (_exchange is null || version is not (0 or 1))
        {
            response.Int16(IllegalSaslState).String("SaslAuthenticate without a SaslHandshake v1 before it").Bytes([]);
            Reply(WithLifetime(response, version, 0), closeAfter: true);
            front.Refused();
            return false;
        }

        int offset = KafkaWire.BodyOffset(request, flexibleHeader: false);
        var step = _exchange.Step(KafkaWire.ReadBytes(request, ref offset));
        string? error = step.Error ?? (step.Done && _authenticated && _exchange.Username != _user ? "Cannot change principals during re-authentication" : null);
        if (error is not null)
        {
            response.Int16(SaslAuthenticationFailed).String(error).Bytes([]);
            Reply(WithLifetime(response, version, 0), closeAfter: true);
            front.Refused();
            return false;
        }

        long lifetime = 0;
        if (step.Done)
        {
            lifetime = Complete(_exchange.Username!);
        }

        response.Int16(0).String(null).Bytes(step.Token);
        Reply(WithLifetime(response, version, lifetime), closeAfter: false);
        return true;
    }

    private bool RawToken(byte[] token)
    {
        var step = _exchange!.Step(token);
        if (step.Error is not null)
        {
            front.Refused();
            return false; // after SaslHandshake v0 a broker refuses by closing
        }

        if (step.Done)
        {
            _rawTokens = false;
            Complete(_exchange.Username!);
            _expiresAt = 0; // v0 sessions cannot re-authenticate, so they do not expire
        }

        _slots.Writer.TryWrite(new Slot(KafkaWire.Frame(step.Token), -1, CloseAfter: false));
        return true;
    }

    private long Complete(string user)
    {
        front.Authenticated(again: _authenticated);
        _authenticated = true;
        _user = user;
        _exchange = null;
        var lifetime = front.Options.SessionLifetime;
        _expiresAt = lifetime is { } l ? Environment.TickCount64 + (long)l.TotalMilliseconds : 0;
        return lifetime is { } ms ? (long)ms.TotalMilliseconds : 0;
    }

    private static byte[] WithLifetime(KafkaWire.Writer response, short version, long lifetimeMs) =>
        version >= 1 ? response.Int64(lifetimeMs).ToArray() : response.ToArray();

    private void Reply(byte[] payload, bool closeAfter) => _slots.Writer.TryWrite(new Slot(KafkaWire.Frame(payload), -1, closeAfter));

    private async Task RespondAsync()
    {
        await foreach (var slot in _slots.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            byte[] frame;
            if (slot.Local is not null)
            {
                frame = slot.Local;
            }
            else
            {
                byte[] response = await KafkaWire.ReadFrameAsync(_broker, CancellationToken.None).ConfigureAwait(false)
                    ?? throw new IOException("the broker closed the connection");
                frame = KafkaWire.Frame(slot.ApiVersionsVersion >= 0 ? WithSaslKeys(response, slot.ApiVersionsVersion) : response);
            }

            await _client.WriteAsync(frame).ConfigureAwait(false);
            if (slot.CloseAfter)
            {
                Close();
                return;
            }
        }
    }

    // ApiVersions v0-v2 (the versions the test cluster answers): error, [api_key, min, max], throttle (v1+).
    // The front adds SaslHandshake 0-1 and SaslAuthenticate 0-1; other versions and error answers pass unchanged.
    private static byte[] WithSaslKeys(byte[] response, short version)
    {
        if (version > 2 || BinaryPrimitives.ReadInt16BigEndian(response.AsSpan(4)) != 0)
        {
            return response;
        }

        int count = BinaryPrimitives.ReadInt32BigEndian(response.AsSpan(6));
        int arrayEnd = 10 + (count * 6);
        var rewritten = new KafkaWire.Writer().Raw(response.AsSpan(0, 6)).Int32(count + 2).Raw(response.AsSpan(10, count * 6));
        rewritten.Int16(KafkaWire.SaslHandshakeKey).Int16(0).Int16(1);
        rewritten.Int16(KafkaWire.SaslAuthenticateKey).Int16(0).Int16(1);
        return rewritten.Raw(response.AsSpan(arrayEnd)).ToArray();
    }

    private sealed record Slot(byte[]? Local, short ApiVersionsVersion, bool CloseAfter);
}
