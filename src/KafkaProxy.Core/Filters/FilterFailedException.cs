namespace KafkaProxy.Core.Filters;

/// <summary>A filter threw or ran past its deadline: only the connection of that frame (or turn) closes.</summary>
internal sealed class FilterFailedException(string filter, FrameIdentity? frame, string reason, Exception? inner)
    : Exception($"filter '{filter}' failed on {Where(frame)}: {reason}", inner)
{
    public string Filter { get; } = filter;

    private static string Where(FrameIdentity? frame) => frame is { } f
        ? $"{(f.IsResponse ? "the response to " : "")}api key {f.ApiKey} v{f.ApiVersion} (correlation id {f.CorrelationId})"
        : "its turn between requests";
}
