using System.Buffers;
using System.Buffers.Binary;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.IntegrationTests.Filters;

/// <summary>Request frames written and response frames read by hand, for tests that pipeline several requests.</summary>
internal static class RawFrames
{
    /// <summary>A request frame with header v1 (client id "order-test").</summary>
    public static byte[] Request(short apiKey, short version, int correlationId, Action<ArrayBufferWriter<byte>> body)
    {
        var payload = new ArrayBufferWriter<byte>();
        payload.WriteInt16(apiKey);
        payload.WriteInt16(version);
        payload.WriteInt32(correlationId);
        payload.WriteString("order-test", compact: false);
        body(payload);
        var frame = new byte[4 + payload.WrittenCount];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.WrittenCount);
        payload.WrittenSpan.CopyTo(frame.AsSpan(4));
        return frame;
    }

    /// <summary>The next response frame: its correlation id and what follows it (header v0 responses only).</summary>
    public static async Task<(int CorrelationId, byte[] Body)> ReadResponseAsync(Stream stream)
    {
        var size = new byte[4];
        await stream.ReadExactlyAsync(size).AsTask().WaitAsync(Clients.Patience);
        var response = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        await stream.ReadExactlyAsync(response).AsTask().WaitAsync(Clients.Patience);
        return (BinaryPrimitives.ReadInt32BigEndian(response), response[4..]);
    }
}
