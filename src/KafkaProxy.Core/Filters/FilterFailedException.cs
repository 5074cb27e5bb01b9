using KafkaProxy.Core.Proxy;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Filters;

/// <summary>A filter threw or ran past its deadline: only the connection of that frame (or turn) closes.</summary>
internal sealed class FilterFailedException(string filter, FrameIdentity? frame, string reason, Exception? inner)
    : Exception($"filter '{filter}' failed on {Where(frame)}: {reason}", inner)
{
    public string Filter { get; } = filter;

    /// <summary>A filter ran past <paramref name="timeout"/> on <paramref name="frame"/> (null: on its turn).</summary>
    public static FilterFailedException TimedOut(string filter, FrameIdentity? frame, TimeSpan timeout) =>
        new(filter, frame, $"it did not finish within {timeout} (KafkaProxy:FilterTimeout)", inner: null);

    /// <summary>
    /// What a filter's exception becomes, or null to let it through as it is: malformed bytes (a filter read them with
    /// ReadProduce, say) close the connection as a bad message; a broker the proxy has no listener for yet is the
    /// response pump's to handle (it starts one and reads the response again).
    /// </summary>
    public static FilterFailedException? From(string filter, FrameIdentity? frame, Exception ex) =>
        ex is KafkaProtocolException or UndiscoveredBrokerException or OutOfMemoryException
            ? null
            : new FilterFailedException(filter, frame, $"it threw {ex.GetType().Name}: {ex.Message}", ex);

    private static string Where(FrameIdentity? frame) => frame is { } f
        ? $"{(f.IsResponse ? "the response to " : "")}api key {f.ApiKey} v{f.ApiVersion} (correlation id {f.CorrelationId})"
        : "its turn between requests";
}
