using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using KafkaProxy.Core.Proxy;
using KafkaProxy.Protocol.Headers;

namespace KafkaProxy.Core.Security;

/// <summary>
/// Re-authentication on a busy connection (KIP-368): before the session the broker granted runs out, the request pump
/// stops at a frame boundary and sends the proxy's own SaslHandshake and SaslAuthenticate requests between the
/// client's. They carry correlation ids no client request in flight uses, and sit in the in-flight ring marked as
/// internal, so the response pump hands their responses here instead of to the client; responses to the client's
/// earlier requests keep flowing meanwhile (a broker answers in order). The client's next requests wait in the
/// pipe until the exchange is over, as the Java client holds its sends while re-authenticating.
/// </summary>
internal sealed class UpstreamReauthentication : ISaslTransport
{
    private readonly UpstreamSaslAuthenticator _sasl;
    private readonly InFlightRequests _inFlight;
    private readonly double _fraction;
    private readonly ProxyClock _clock;
    private PipeWriter? _upstream;
    private TimeSpan _timeout;
    private TaskCompletionSource<byte[]>? _pending;
    private long _dueAt;
    private bool _inProgress;
    private int _nextCorrelationId = int.MinValue;

    public UpstreamReauthentication(UpstreamSaslAuthenticator sasl, InFlightRequests inFlight, double fraction, ProxyClock clock)
    {
        _sasl = sasl;
        _inFlight = inFlight;
        _fraction = fraction;
        _clock = clock;
    }

    /// <summary>True once the scheduled time has come; cheap enough to ask for every frame.</summary>
    public bool IsDue
    {
        get
        {
            long dueAt = Volatile.Read(ref _dueAt);
            return dueAt != 0 && _clock.NowMs >= dueAt;
        }
    }

    /// <summary>
    /// Plans the next re-authentication after the broker granted <paramref name="lifetimeMs"/> (0: never), counted
    /// from <paramref name="startedAt"/>, when the exchange began (<see cref="ProxyClock.NowMs"/>): the broker's
    /// clock started somewhere in between, so the proxy is early rather than late.
    /// </summary>
    public void Schedule(long lifetimeMs, long startedAt) =>
        Volatile.Write(ref _dueAt, lifetimeMs > 0 ? startedAt + Math.Max(1, (long)(lifetimeMs * _fraction)) : 0);

    /// <summary>
    /// Runs one exchange through <paramref name="upstream"/>, each answer awaited up to <paramref name="timeout"/>;
    /// called by the request pump, its only writer.
    /// </summary>
    /// <exception cref="HandshakeFailedException">The broker refused, or did not answer in time.</exception>
    public async Task RunAsync(PipeWriter upstream, TimeSpan timeout)
    {
        _upstream = upstream;
        _timeout = timeout;
        Volatile.Write(ref _inProgress, true);
        long startedAt = _clock.NowMs;
        Schedule(await _sasl.ReauthenticateAsync(this).ConfigureAwait(false), startedAt);
        // Cleared only on success: after a refusal the connection ends, and until the request pump has carried the
        // refusal out, a broker close seen by the response pump must still be read as this exchange's end (clearing it
        // in a finally left a gap in which the close looked ordinary and the reason was lost).
        Volatile.Write(ref _inProgress, false);
    }

    /// <summary>
    /// True while an exchange runs, and for good once one failed: a broker that closes the connection now has probably
    /// refused it.
    /// </summary>
    public bool InProgress => Volatile.Read(ref _inProgress);

    /// <summary>The response to the proxy's own request at the head of the ring (the payload after the size prefix).</summary>
    public void OnResponse(in ReadOnlySequence<byte> payload) =>
        _pending?.TrySetResult(payload.Slice(ResponseHeader.CorrelationIdLength).ToArray());

    /// <summary>The connection is closing: a pending exchange ends at once.</summary>
    public void Abort() => _pending?.TrySetException(new HandshakeFailedException("reauth", "the connection closed during re-authentication"));

    async Task<byte[]> ISaslTransport.RequestAsync(ApiKey apiKey, short version, Action<IBufferWriter<byte>> body)
    {
        int correlationId;
        do
        {
            correlationId = _nextCorrelationId++;
        }
        while (_inFlight.ContainsCorrelationId(correlationId));

        var pending = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending = pending;
        if (!_inFlight.TryAdd(new InFlightRequests.Entry((short)apiKey, version, correlationId, Stopwatch.GetTimestamp(), Internal: true)))
        {
            throw new HandshakeFailedException("reauth", "no room in the in-flight ring for the re-authentication request");
        }

        var upstream = _upstream ?? throw new InvalidOperationException("RunAsync sets the upstream writer first.");
        upstream.Write(SaslFrames.Request(apiKey, version, correlationId, body));
        await upstream.FlushAsync().ConfigureAwait(false);
        try
        {
            return await pending.Task.WaitAsync(_timeout, _clock.Provider).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new HandshakeFailedException("reauth", $"no answer to the re-authentication {apiKey} within {_timeout}", ex);
        }
    }

    Task<byte[]> ISaslTransport.RawTokenAsync(byte[] token) =>
        throw new NotSupportedException("Re-authentication always uses SaslHandshake v1 (KIP-368).");
}
