using System.Buffers;
using KafkaProxy.Core.Security;
using KafkaProxy.Protocol.Headers;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Filters.BuiltIn;

/// <summary>
/// Re-authentication with the broker on a busy connection (KIP-368), a connection filter: its first turn comes at
/// <c>ReauthenticateAt</c> of the session lifetime the broker granted, counted from when the proxy's own exchange began
/// (the broker's clock started somewhere in between, so the proxy is early rather than late); each turn sends the
/// proxy's SaslHandshake and SaslAuthenticate requests between the client's, and asks for the next turn by the new
/// lifetime. The client's next requests wait in the pipe meanwhile, as the Java client holds its sends while it
/// re-authenticates. A refusal, or no answer within <c>UpstreamSasl:Timeout</c>, ends the connection (stage reauth).
/// </summary>
internal sealed class ReauthenticationFilter(UpstreamSaslAuthenticator sasl, double fraction, Func<TimeSpan> saslTimeout, TimeProvider time, ILogger logger)
    : IKafkaConnectionFilter, IBuiltInFilter
{
    public string Name => "reauthentication";

    public DateTimeOffset? OnConnectionStarted(KafkaConnectionInfo connection) => Due(connection.UpstreamSession.StartedAt, connection.UpstreamSession.LifetimeMs);

    public async ValueTask<DateTimeOffset?> OnTurnAsync(KafkaConnectionTurn turn, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        long lifetimeMs = await sasl.ReauthenticateAsync(new TurnTransport(turn, saslTimeout(), time)).ConfigureAwait(false);
        Proxy.Log.Reauthenticated(logger, turn.Connection.Id, turn.Connection.Broker.ToString());
        return Due(startedAt, lifetimeMs);
    }

    private DateTimeOffset? Due(DateTimeOffset startedAt, long lifetimeMs) =>
        lifetimeMs > 0 ? startedAt.AddMilliseconds(Math.Max(1, (long)(lifetimeMs * fraction))) : null;

    // The exchange's requests, between the client's: each answer awaited up to the SASL timeout.
    private sealed class TurnTransport(KafkaConnectionTurn turn, TimeSpan timeout, TimeProvider time) : ISaslTransport
    {
        public async Task<byte[]> RequestAsync(ApiKey apiKey, short version, Action<IBufferWriter<byte>> body)
        {
            var request = new ArrayBufferWriter<byte>();
            body(request);
            using var deadline = new CancellationTokenSource(timeout, time);
            try
            {
                var answer = await turn.SendToBrokerAsync((short)apiKey, version, request.WrittenMemory, deadline.Token).ConfigureAwait(false);
                return answer.ToArray();
            }
            catch (OperationCanceledException ex) when (deadline.IsCancellationRequested)
            {
                throw new HandshakeFailedException("reauth", $"no answer to the re-authentication {apiKey} within {timeout}", ex);
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

        public Task<byte[]> RawTokenAsync(byte[] token) =>
            throw new NotSupportedException("Re-authentication always uses SaslHandshake v1 (KIP-368).");
    }
}
