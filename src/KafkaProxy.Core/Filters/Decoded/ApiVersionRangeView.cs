using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// The versions of one api key an ApiVersions response offers.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class ApiVersionRangeView
{
    internal ApiVersionRangeView(short apiKey, short minVersion, short maxVersion)
    {
        ApiKey = apiKey;
        MinVersion = minVersion;
        MaxVersion = maxVersion;
    }

    /// <summary>The api key.</summary>
    public short ApiKey { get; }

    /// <summary>The lowest version offered.</summary>
    public short MinVersion { get; }

    /// <summary>The highest version offered.</summary>
    public short MaxVersion { get; }
}
