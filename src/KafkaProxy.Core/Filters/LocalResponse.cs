using System.Buffers.Binary;
using KafkaProxy.Protocol.Headers;

namespace KafkaProxy.Core.Filters;

/// <summary>A response the proxy writes itself: the size prefix, the response header of the request's version, the body.</summary>
internal static class LocalResponse
{
    /// <summary>The whole frame answering <paramref name="request"/> with <paramref name="body"/>.</summary>
    public static byte[] Frame(in RequestHeader request, ReadOnlySpan<byte> body)
    {
        // Response header v1 (flexible versions, never ApiVersions) ends with an empty tagged-field section.
        bool tagged = KafkaApis.ResponseHeaderVersion(request.ApiKey, request.ApiVersion) >= 1;
        int headerLength = sizeof(int) + (tagged ? 1 : 0);
        var frame = new byte[sizeof(int) + headerLength + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, headerLength + body.Length);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(sizeof(int)), request.CorrelationId);
        body.CopyTo(frame.AsSpan(sizeof(int) + headerLength));
        return frame;
    }
}
