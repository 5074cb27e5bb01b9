using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// A Fetch response (api key 1) as a filter reads it (KafkaResponse.ReadFetch): per topic and partition the error
/// code, the offsets and the headers of the record batches, with where each batch lies in the body, so that a filter
/// can Edit records in place. A copy: it stays valid after the filter returns.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class FetchResponseView
{
    internal FetchResponseView(int throttleTimeMs, short errorCode, int sessionId, IReadOnlyList<FetchTopicView> topics)
    {
        ThrottleTimeMs = throttleTimeMs;
        ErrorCode = errorCode;
        SessionId = sessionId;
        Topics = topics;
    }

    /// <summary>How long the broker throttled the response, in milliseconds (v1+; 0 before).</summary>
    public int ThrottleTimeMs { get; }

    /// <summary>The top-level error code (v7+), 0 for none.</summary>
    public short ErrorCode { get; }

    /// <summary>The fetch session id (v7+), 0 outside a session.</summary>
    public int SessionId { get; }

    /// <summary>The topics, in response order.</summary>
    public IReadOnlyList<FetchTopicView> Topics { get; }
}
