using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using KafkaProxy.Protocol.Headers;

namespace KafkaProxy.Core.Proxy;

/// <summary>
/// Requests a connection sends to its broker in the proxy's own name, between the client's: re-authentication's
/// SASL exchange, and requests filters send (<c>KafkaRequest.SendToBrokerAsync</c>). Each carries a correlation id no
/// client request in flight uses and sits in the in-flight ring marked internal, so the response pump hands its answer
/// here instead of to the client; answers to the client's earlier requests keep flowing meanwhile (a broker answers
/// in order). Only the request pump sends, one request at a time, awaiting each answer.
/// </summary>
internal sealed class OwnRequests(InFlightRequests inFlight)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource<byte[]>? _pending;
    private int _nextCorrelationId = int.MinValue;

    /// <summary>
    /// Writes one request to <paramref name="upstream"/> (the request pump's writer, in its turn) and returns the
    /// broker's answer: the response after its correlation id.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another request of the proxy's own still awaits its answer, or the ring is full.</exception>
    /// <exception cref="IOException">The connection closed before the broker answered.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> ended the wait.</exception>
    public async Task<byte[]> SendAsync(PipeWriter upstream, ApiKey apiKey, short version, Action<IBufferWriter<byte>> body, CancellationToken cancellationToken)
    {
        var pending = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        int correlationId;
        lock (_gate)
        {
            if (_pending is { Task.IsCompleted: false })
            {
                throw new InvalidOperationException("A request of the proxy's own already awaits its answer on this connection: await it before sending another.");
            }

            do
            {
                correlationId = _nextCorrelationId++;
            }
            while (inFlight.ContainsCorrelationId(correlationId));

            if (!inFlight.TryAdd(new InFlightRequests.Entry((short)apiKey, version, correlationId, Stopwatch.GetTimestamp(), Internal: true)))
            {
                throw new InvalidOperationException("No room in the in-flight ring for a request of the proxy's own.");
            }

            _pending = pending;
        }

        upstream.Write(ProxyFrames.Request(apiKey, version, correlationId, body));
        await upstream.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The answer to the request at the head of the ring, which is the proxy's own: the payload after the size prefix.</summary>
    public void OnResponse(in ReadOnlySequence<byte> payload)
    {
        var answer = payload.Slice(ResponseHeader.CorrelationIdLength).ToArray();
        lock (_gate)
        {
            _pending?.TrySetResult(answer);
        }
    }

    /// <summary>The connection is closing: a request awaiting its answer fails at once.</summary>
    public void Abort()
    {
        lock (_gate)
        {
            _pending?.TrySetException(new IOException("the connection closed before the broker answered the proxy's own request"));
        }
    }
}
