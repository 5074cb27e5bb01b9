using System.Buffers;
using KafkaProxy.Protocol.Frames;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Security;

/// <summary>Builds the proxy's own request frames (request header v1: the SASL requests it sends are never flexible).</summary>
internal static class SaslFrames
{
    public const string ClientId = "kafka-proxy";

    /// <summary>A whole frame: size, header v1, body.</summary>
    public static byte[] Request(ApiKey apiKey, short version, int correlationId, Action<IBufferWriter<byte>> body)
    {
        var payload = new ArrayBufferWriter<byte>(256);
        payload.WriteInt16((short)apiKey);
        payload.WriteInt16(version);
        payload.WriteInt32(correlationId);
        payload.WriteString(ClientId, compact: false);
        body(payload);
        return Frame(payload.WrittenSpan);
    }

    /// <summary>A size prefix and the bytes: also the framing of raw SASL tokens after SaslHandshake v0.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[KafkaFrame.SizePrefixLength + payload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame.AsSpan(KafkaFrame.SizePrefixLength));
        return frame;
    }
}
