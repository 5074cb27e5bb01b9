using System.Buffers;
using KafkaProxy.Protocol.Frames;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Proxy;

/// <summary>Builds the request frames the proxy sends in its own name: SASL, re-authentication, filters' requests.</summary>
internal static class ProxyFrames
{
    public const string ClientId = "kafka-proxy";

    /// <summary>A whole frame: size, the request header the api key and version call for (client id "kafka-proxy"), body.</summary>
    public static byte[] Request(ApiKey apiKey, short version, int correlationId, Action<IBufferWriter<byte>> body)
    {
        var payload = new ArrayBufferWriter<byte>(256);
        payload.WriteInt16((short)apiKey);
        payload.WriteInt16(version);
        payload.WriteInt32(correlationId);
        payload.WriteString(ClientId, compact: false);
        if (KafkaApis.RequestHeaderVersion((short)apiKey, version) >= 2)
        {
            payload.WriteUnsignedVarInt(0); // no tagged fields
        }

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
