using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// An ApiVersions response (api key 18) as a filter reads it (KafkaResponse.ReadApiVersions): the versions the
/// client will see, already clamped to what the proxy can carry. A copy.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class ApiVersionsResponseView
{
    internal ApiVersionsResponseView(short errorCode, IReadOnlyList<ApiVersionRangeView> apiKeys, int throttleTimeMs)
    {
        ErrorCode = errorCode;
        ApiKeys = apiKeys;
        ThrottleTimeMs = throttleTimeMs;
    }

    /// <summary>The error code, 0 for none.</summary>
    public short ErrorCode { get; }

    /// <summary>The api keys and their version ranges.</summary>
    public IReadOnlyList<ApiVersionRangeView> ApiKeys { get; }

    /// <summary>How long the broker throttled the response, in milliseconds (v1+).</summary>
    public int ThrottleTimeMs { get; }
}
