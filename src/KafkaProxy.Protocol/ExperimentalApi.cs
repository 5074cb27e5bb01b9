namespace KafkaProxy.Protocol;

/// <summary>
/// The diagnostic that marks the low-level codec API as experimental: usable, but its shape may change in any release.
/// </summary>
internal static class ExperimentalApi
{
    /// <summary>The id a caller suppresses to opt in (NoWarn or #pragma warning disable).</summary>
    internal const string CodecApi = "KPX0001";

    /// <summary>What the diagnostic says.</summary>
    internal const string Message = "KafkaProxy.Protocol's codec API is experimental: its shape may change in any release.";

    /// <summary>Where the diagnostic's link points; {0} is the diagnostic id.</summary>
    internal const string UrlFormat = "https://github.com/kafkaproxy/kafkaproxy/blob/main/docs/experimental.md#{0}";
}
