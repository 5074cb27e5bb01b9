using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// Acts on a connection between its requests, on a schedule of its own rather than on a frame: the proxy's
/// re-authentication with the broker is one (KIP-368), a filter that refreshes something it keeps per connection would
/// be another. When a turn the filter asked for comes, the request pump stops at the next frame boundary (or wakes, on a
/// connection where the client is silent) and calls <see cref="OnTurnAsync"/>; no client request goes to the broker
/// until the turn ends, while responses to earlier requests keep flowing to the client.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public interface IKafkaConnectionFilter : IKafkaFilter
{
    /// <summary>
    /// A connection starts forwarding (after TLS and SASL with the broker, and the client's authentication at the proxy).
    /// Returns when the filter wants its first turn on it, or null for none.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <returns>A time of the engine's <see cref="TimeProvider"/>; one that passed already means at once.</returns>
    DateTimeOffset? OnConnectionStarted(KafkaConnectionInfo connection);

    /// <summary>
    /// The filter's turn: it may send requests of its own to the broker (<see cref="KafkaConnectionTurn.SendToBrokerAsync"/>).
    /// Returns when it wants its next turn, or null for none. An exception, or taking longer than
    /// <c>KafkaProxy:FilterTimeout</c>, closes the connection (logged with the filter's name).
    /// </summary>
    /// <param name="turn">The connection, and its way to the broker while the turn lasts.</param>
    /// <param name="cancellationToken">Cancelled when the filter timeout passes.</param>
    ValueTask<DateTimeOffset?> OnTurnAsync(KafkaConnectionTurn turn, CancellationToken cancellationToken);
}
