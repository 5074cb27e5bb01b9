using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>A connection filter's turn between the requests of a connection (<see cref="IKafkaConnectionFilter.OnTurnAsync"/>).</summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class KafkaConnectionTurn
{
    private readonly Func<short, short, ReadOnlyMemory<byte>, CancellationToken, Task<ReadOnlyMemory<byte>>> _send;
    private bool _over;

    internal KafkaConnectionTurn(KafkaConnectionInfo connection, Func<short, short, ReadOnlyMemory<byte>, CancellationToken, Task<ReadOnlyMemory<byte>>> send)
    {
        Connection = connection;
        _send = send;
    }

    /// <summary>The connection.</summary>
    public KafkaConnectionInfo Connection { get; }

    /// <summary>
    /// Sends a request of the filter's own to the connection's broker and returns the broker's answer: the response body,
    /// after its header. The client never sees either; the proxy writes the request header. One at a time, awaited, and
    /// only while the turn lasts.
    /// </summary>
    /// <param name="apiKey">The api key of the request to send.</param>
    /// <param name="apiVersion">Its version, one the broker supports.</param>
    /// <param name="body">The request body, after the header.</param>
    /// <param name="cancellationToken">Ends the wait; pass the one the filter was given.</param>
    /// <returns>The response body.</returns>
    /// <exception cref="InvalidOperationException">The turn is over, or another such request awaits its answer.</exception>
    /// <exception cref="IOException">The connection closed before the broker answered.</exception>
    public Task<ReadOnlyMemory<byte>> SendToBrokerAsync(short apiKey, short apiVersion, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        _over
            ? throw new InvalidOperationException($"SendToBrokerAsync is for the turn of a connection filter on connection {Connection.Id}, while it lasts.")
            : _send(apiKey, apiVersion, body, cancellationToken);

    /// <summary>Ends the turn: later sends are refused.</summary>
    internal void End() => _over = true;
}
