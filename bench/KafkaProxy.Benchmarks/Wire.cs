using System.Buffers;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Benchmarks;

/// <summary>Builds benchmark inputs field by field, as the message schemas list them.</summary>
internal static class Wire
{
    public static readonly (int Node, string Host, int Port)[] Brokers = [(1, "b-1.kafka.internal.example", 9092), (2, "b-2.kafka.internal.example", 9092), (3, "b-3.kafka.internal.example", 9092)];

    // ProduceRequest v9 (flexible, header v2) carrying ~1 KiB of record bytes, size prefix included.
    public static byte[] ProduceRequestFrame()
    {
        var body = new ArrayBufferWriter<byte>();
        body.WriteInt16(0); body.WriteInt16(9); body.WriteInt32(42);   // api key, version, correlation
        body.WriteString("bench-client", compact: false);              // client id (classic string)
        body.WriteUnsignedVarInt(0);                                    // header tags
        body.WriteString((string?)null, compact: true);                 // transactional_id
        body.WriteInt16(-1); body.WriteInt32(30000);                   // acks, timeout
        body.WriteArrayLength(1, compact: true);
        body.WriteString("orders", compact: true);
        body.WriteArrayLength(1, compact: true);
        body.WriteInt32(0);
        body.WriteBytes(new byte[960], compact: true);                  // records
        body.WriteUnsignedVarInt(0); body.WriteUnsignedVarInt(0); body.WriteUnsignedVarInt(0);
        return WithSize(body);
    }

    // MetadataResponse v12 payload (after the size prefix): 3 brokers, `topics` topics of 3 partitions.
    public static byte[] MetadataResponseV12(int topics)
    {
        var w = new ArrayBufferWriter<byte>();
        w.WriteInt32(7); w.WriteUnsignedVarInt(0);                     // correlation, header tags
        w.WriteInt32(0);                                               // throttle
        w.WriteArrayLength(Brokers.Length, compact: true);
        foreach (var (node, host, port) in Brokers)
        {
            w.WriteInt32(node); w.WriteString(host, compact: true); w.WriteInt32(port); w.WriteString("rack", compact: true); w.WriteUnsignedVarInt(0);
        }

        w.WriteString("cluster", compact: true); w.WriteInt32(1);
        w.WriteArrayLength(topics, compact: true);
        for (int t = 0; t < topics; t++)
        {
            w.WriteInt16(0); w.WriteString($"topic-{t:000}", compact: true); w.WriteUuid(Guid.NewGuid()); w.WriteBool(false);
            w.WriteArrayLength(3, compact: true);
            for (int p = 0; p < 3; p++)
            {
                w.WriteInt16(0); w.WriteInt32(p); w.WriteInt32((p % 3) + 1); w.WriteInt32(0);
                w.WriteArrayLength(3, compact: true); w.WriteInt32(1); w.WriteInt32(2); w.WriteInt32(3);
                w.WriteArrayLength(3, compact: true); w.WriteInt32(1); w.WriteInt32(2); w.WriteInt32(3);
                w.WriteArrayLength(0, compact: true); w.WriteUnsignedVarInt(0);
            }

            w.WriteInt32(int.MinValue); w.WriteUnsignedVarInt(0);
        }

        w.WriteUnsignedVarInt(0);
        return w.WrittenSpan.ToArray();
    }

    // FindCoordinatorResponse v4 payload: one coordinator per broker.
    public static byte[] FindCoordinatorResponseV4()
    {
        var w = new ArrayBufferWriter<byte>();
        w.WriteInt32(7); w.WriteUnsignedVarInt(0); w.WriteInt32(0);
        w.WriteArrayLength(Brokers.Length, compact: true);
        foreach (var (node, host, port) in Brokers)
        {
            w.WriteString($"group-{node}", compact: true); w.WriteInt32(node); w.WriteString(host, compact: true); w.WriteInt32(port);
            w.WriteInt16(0); w.WriteString((string?)null, compact: true); w.WriteUnsignedVarInt(0);
        }

        w.WriteUnsignedVarInt(0);
        return w.WrittenSpan.ToArray();
    }

    // FetchResponse v16 payload: one partition with `recordBytes` of records and NodeEndpoints in tag 0.
    public static byte[] FetchResponseV16(int recordBytes)
    {
        var w = new ArrayBufferWriter<byte>();
        w.WriteInt32(7); w.WriteUnsignedVarInt(0);
        w.WriteInt32(0); w.WriteInt16(0); w.WriteInt32(1);
        w.WriteArrayLength(1, compact: true); w.WriteUuid(Guid.NewGuid());
        w.WriteArrayLength(1, compact: true);
        w.WriteInt32(0); w.WriteInt16(0); w.WriteInt64(100); w.WriteInt64(100); w.WriteInt64(0);
        w.WriteArrayLength(0, compact: true); w.WriteInt32(-1);
        w.WriteBytes(new byte[recordBytes], compact: true);
        w.WriteUnsignedVarInt(0); w.WriteUnsignedVarInt(0);
        var endpoints = new ArrayBufferWriter<byte>();
        endpoints.WriteArrayLength(Brokers.Length, compact: true);
        foreach (var (node, host, port) in Brokers)
        {
            endpoints.WriteInt32(node); endpoints.WriteString(host, compact: true); endpoints.WriteInt32(port); endpoints.WriteString((string?)null, compact: true); endpoints.WriteUnsignedVarInt(0);
        }

        w.WriteUnsignedVarInt(1); w.WriteUnsignedVarInt(0); w.WriteUnsignedVarInt((uint)endpoints.WrittenCount); w.Write(endpoints.WrittenSpan);
        return w.WrittenSpan.ToArray();
    }

    private static byte[] WithSize(ArrayBufferWriter<byte> body)
    {
        var frame = new ArrayBufferWriter<byte>();
        frame.WriteInt32(body.WrittenCount);
        frame.Write(body.WrittenSpan);
        return frame.WrittenSpan.ToArray();
    }
}
