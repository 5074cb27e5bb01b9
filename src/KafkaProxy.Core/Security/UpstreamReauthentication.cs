using System.Buffers;
using System.IO.Pipelines;
using KafkaProxy.Core.Proxy;
using KafkaProxy.Protocol.Headers;

namespace KafkaProxy.Core.Security;

/// <summary>
/// Re-authentication on a busy connection (KIP-368): before the session the broker granted runs out, the request pump
/// stops at a frame boundary and sends the proxy's own SaslHandshake and SaslAuthenticate requests between the
/// client's (<see cref="OwnRequests"/>); responses to the client's earlier requests keep flowing meanwhile. The
/// client's next requests wait in the pipe until the exchange is over, as the Java client holds its sends while
/// re-authenticating.
/// </summary>
internal sealed class UpstreamReauthentication : ISaslTransport
{
    private readonly UpstreamSaslAuthenticator _sasl;
    private readonly OwnRequests _own;
    private readonly double _fraction;
    private readonly ProxyClock _clock;
    private PipeWriter? _upstream;
    private TimeSpan _timeout;
    private long _dueAt;
    private bool _inProgress;

    public UpstreamReauthentication(UpstreamSaslAuthenticator sasl, OwnRequests own, double fraction, ProxyClock clock)
    {
        _sasl = sasl;
        _own = own;
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

    async Task<byte[]> ISaslTransport.RequestAsync(ApiKey apiKey, short version, Action<IBufferWriter<byte>> body)
    {
        var upstream = _upstream ?? throw new InvalidOperationException("RunAsync sets the upstream writer first.");
        using var deadline = new CancellationTokenSource(_timeout, _clock.Provider);
        try
        {
            return await _own.SendAsync(upstream, apiKey, version, body, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested)
        {
            throw new HandshakeFailedException("reauth", $"no answer to the re-authentication {apiKey} within {_timeout}", ex);
        }
        catch (IOException ex)
        {
            throw new HandshakeFailedException("reauth", "the connection closed during re-authentication", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new HandshakeFailedException("reauth", ex.Message, ex);
        }
    }

    Task<byte[]> ISaslTransport.RawTokenAsync(byte[] token) =>
        throw new NotSupportedException("Re-authentication always uses SaslHandshake v1 (KIP-368).");
}
