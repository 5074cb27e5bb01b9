namespace KafkaProxy.Core.Filters;

/// <summary>A filter threw or ran past its deadline: only the connection of that frame closes.</summary>
internal sealed class FilterFailedException(string filter, FrameIdentity frame, string reason, Exception? inner)
    : Exception($"filter '{filter}' failed on {(frame.IsResponse ? "the response to " : "")}api key {frame.ApiKey} v{frame.ApiVersion} (correlation id {frame.CorrelationId}): {reason}", inner)
{
    public string Filter { get; } = filter;
}
