using Microsoft.Extensions.Logging;

namespace KafkaProxy.Http.Chaos;

// Event ids 5010-5019 (the chaos API), under one category: every change it makes is on record at Warning, since it can
// take the cluster away.
internal static partial class Log
{
    /// <summary>The chaos API's logger category.</summary>
    public const string Category = "KafkaProxy.Chaos";

    [LoggerMessage(5010, LogLevel.Warning, "Chaos API: proxy {Proxy} {Change}")]
    public static partial void ProxyChanged(ILogger logger, string proxy, string change);

    [LoggerMessage(5011, LogLevel.Warning, "Chaos API: toxic {Toxic} ({Type}, {Stream}, toxicity {Toxicity}) {Change} on proxy {Proxy}: {Attributes}")]
    public static partial void ToxicChanged(ILogger logger, string toxic, string type, string stream, double toxicity, string change, string proxy, string attributes);

    [LoggerMessage(5012, LogLevel.Warning, "Chaos API: toxic {Toxic} removed from proxy {Proxy}")]
    public static partial void ToxicRemoved(ILogger logger, string toxic, string proxy);

    [LoggerMessage(5013, LogLevel.Warning, "Chaos API: reset: every proxy enabled, every toxic removed")]
    public static partial void Reset(ILogger logger);
}
