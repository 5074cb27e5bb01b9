namespace KafkaProxy.Core;

/// <summary>
/// The diagnostic that marks the filter API as experimental: usable, but its shape may change in any release while the
/// chaos and routing work that stands on it settles.
/// </summary>
internal static class ExperimentalApi
{
    /// <summary>The id a caller suppresses to opt in (NoWarn or #pragma warning disable).</summary>
    internal const string FilterApi = "KPX0002";

    /// <summary>What the diagnostic says.</summary>
    internal const string Message = "KafkaProxy's filter API is experimental: its shape may change in any release.";

    /// <summary>Where the diagnostic's link points; {0} is the diagnostic id.</summary>
    internal const string UrlFormat = "https://github.com/kafkaproxy/kafkaproxy/blob/main/docs/experimental.md#{0}";
}
