using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// Sees the responses it asks for before they reach the client: the broker's (with broker addresses already replaced by
/// the proxy's, as the client will get them) and the ones request filters gave. It may replace the body or close the
/// connection. As with requests, the engine asks <see cref="WantsResponse"/> once per api key and version at start; a
/// response no filter wants streams through.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public interface IKafkaResponseFilter : IKafkaFilter
{
    /// <summary>Whether responses to requests of this api key and version go through <see cref="OnResponseAsync"/>; asked once, at start.</summary>
    /// <param name="apiKey">The api key of the request answered.</param>
    /// <param name="apiVersion">Its version; <see cref="short.MaxValue"/> asks about versions newer than 62.</param>
    bool WantsResponse(short apiKey, short apiVersion);

    /// <summary>
    /// Handles one response. Leaving <paramref name="response"/> as it is sends it on unchanged. Its bytes are valid
    /// until the returned task completes. An exception, or taking longer than <c>KafkaProxy:FilterTimeout</c>, closes
    /// only this connection.
    /// </summary>
    /// <param name="response">The response, and what is decided for it.</param>
    /// <param name="cancellationToken">Cancelled when the filter timeout passes.</param>
    ValueTask OnResponseAsync(KafkaResponse response, CancellationToken cancellationToken);
}
