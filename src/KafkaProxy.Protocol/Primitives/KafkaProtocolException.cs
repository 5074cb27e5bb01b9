using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Protocol.Primitives;

/// <summary>
/// Malformed Kafka wire data: a frame or message that does not follow the protocol. The one exception type
/// this library throws for bad bytes; it says where (api key, version, offset into the frame) and why.
/// </summary>
[Experimental(ExperimentalApi.CodecApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class KafkaProtocolException : Exception
{
    /// <summary>Creates an exception for malformed data.</summary>
    /// <param name="reason">What was wrong, in a sentence.</param>
    /// <param name="apiKey">The api key of the message, or -1 when not known.</param>
    /// <param name="apiVersion">The api version of the message, or -1 when not known.</param>
    /// <param name="offset">The offset into the frame payload where the problem was found, or -1.</param>
    public KafkaProtocolException(string reason, short apiKey = -1, short apiVersion = -1, long offset = -1)
        : base(Format(reason, apiKey, apiVersion, offset))
    {
        Reason = reason;
        ApiKey = apiKey;
        ApiVersion = apiVersion;
        Offset = offset;
    }

    /// <summary>What was wrong.</summary>
    public string Reason { get; }

    /// <summary>The api key of the message, or -1 when not known (for example a bad frame size).</summary>
    public short ApiKey { get; }

    /// <summary>The api version of the message, or -1 when not known.</summary>
    public short ApiVersion { get; }

    /// <summary>The offset into the frame payload (after the 4-byte size) where the problem was found, or -1.</summary>
    public long Offset { get; }

    private static string Format(string reason, short apiKey, short apiVersion, long offset)
    {
        string where = apiKey >= 0 ? $" (api key {apiKey}, version {apiVersion}, offset {offset})" : offset >= 0 ? $" (offset {offset})" : string.Empty;
        return "Malformed Kafka data: " + reason + where;
    }
}
