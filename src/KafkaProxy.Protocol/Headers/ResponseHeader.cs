using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Headers;

/// <summary>The response header: a correlation id (v0), followed by a tagged-field section in v1.</summary>
[Experimental(ExperimentalApi.CodecApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public static class ResponseHeader
{
    /// <summary>Bytes of the correlation id that starts every response.</summary>
    internal const int CorrelationIdLength = 4;

    /// <summary>Reads the correlation id of a response payload; false when fewer than four bytes are there.</summary>
    public static bool TryReadCorrelationId(in ReadOnlySequence<byte> payload, out int correlationId)
    {
        if (payload.Length < CorrelationIdLength)
        {
            correlationId = 0;
            return false;
        }

        if (payload.FirstSpan.Length >= CorrelationIdLength)
        {
            correlationId = BinaryPrimitives.ReadInt32BigEndian(payload.FirstSpan);
            return true;
        }

        Span<byte> copy = stackalloc byte[CorrelationIdLength];
        payload.Slice(0, CorrelationIdLength).CopyTo(copy);
        correlationId = BinaryPrimitives.ReadInt32BigEndian(copy);
        return true;
    }

    /// <summary>
    /// Skips the header of a response to (<paramref name="apiKey"/>, <paramref name="apiVersion"/>) and returns its correlation id,
    /// leaving <paramref name="reader"/> at the body. ApiVersions responses always use header v0.
    /// </summary>
    internal static int Skip(ref KafkaReader reader, short apiKey, short apiVersion)
    {
        int correlationId = reader.ReadInt32();
        if (KafkaApis.ResponseHeaderVersion(apiKey, apiVersion) >= 1)
        {
            reader.SkipTaggedFields();
        }

        return correlationId;
    }
}
