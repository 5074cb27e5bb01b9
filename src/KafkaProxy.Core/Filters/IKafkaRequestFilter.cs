namespace KafkaProxy.Core.Filters;

/// <summary>
/// Sees the client requests it asks for before they reach the broker, and decides what happens to each: forward it
/// (changed or not), answer it without the broker, drop it (requests without a response only) or close the
/// connection. The engine asks <see cref="WantsRequest"/> once per api key and version at start and builds a table:
/// a frame no filter wants streams through as its bytes arrive, one table lookup; a wanted frame is read whole and
/// handed to the filters in their registration order.
/// </summary>
internal interface IKafkaRequestFilter
{
    /// <summary>A short name for logs and metrics.</summary>
    string Name { get; }

    /// <summary>Whether requests of this api key and version go through <see cref="OnRequestAsync"/>; asked once, at start.</summary>
    bool WantsRequest(short apiKey, short apiVersion);

    /// <summary>
    /// Handles one request. Leaving <paramref name="request"/> as it is forwards it unchanged. The request's bytes are
    /// valid until the returned task completes: copy what must outlive it. An exception, or taking longer than the
    /// filter timeout, closes only this connection (logged with the filter's name).
    /// </summary>
    ValueTask OnRequestAsync(KafkaRequest request, CancellationToken cancellationToken);
}
