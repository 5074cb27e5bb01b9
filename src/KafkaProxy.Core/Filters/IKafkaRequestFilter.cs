using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// Sees the client requests it asks for before they reach the broker, and decides what happens to each: forward it
/// (changed or not), answer it without the broker, drop it (requests without a response only) or close the
/// connection. The engine asks <see cref="WantsRequest"/> once per api key and version at start and builds a table:
/// a frame no filter wants streams through as its bytes arrive, one table lookup; a wanted frame is read whole and
/// handed to the filters in their registration order.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public interface IKafkaRequestFilter : IKafkaFilter
{
    /// <summary>Whether requests of this api key and version go through <see cref="OnRequestAsync"/>; asked once, at start.</summary>
    /// <param name="apiKey">The api key.</param>
    /// <param name="apiVersion">The version; <see cref="short.MaxValue"/> asks about versions newer than 62.</param>
    bool WantsRequest(short apiKey, short apiVersion);

    /// <summary>
    /// Handles one request. Leaving <paramref name="request"/> as it is forwards it unchanged. The request's bytes are
    /// valid until the returned task completes: copy what must outlive it. An exception, or taking longer than
    /// <c>KafkaProxy:FilterTimeout</c>, closes only this connection (logged with the filter's name).
    /// </summary>
    /// <param name="request">The request, and what is decided for it.</param>
    /// <param name="cancellationToken">Cancelled when the filter timeout passes.</param>
    ValueTask OnRequestAsync(KafkaRequest request, CancellationToken cancellationToken);
}
