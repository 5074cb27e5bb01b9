using System.Buffers;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Benchmarks;

/// <summary>
/// Builds benchmark inputs field by field, in the order the message schemas list them (the same layouts as
/// tests/KafkaProxy.Protocol.Tests/Support/Responses.cs). Responses are payloads: the frame after its size prefix.
/// </summary>
internal static class Wire
{
    public const short ProduceAcks = -1;

    public static readonly (int Node, string Host, int Port)[] Brokers =
        [(1, "b-1.kafka.internal.example", 9092), (2, "b-2.kafka.internal.example", 9092), (3, "b-3.kafka.internal.example", 9092)];

    private const int CorrelationId = 7;
    private const int ProducePayloadLength = 1024;

    // The record bytes that make the Produce payload exactly 1 KiB with the fields around them.
    private const int ProduceRecordBytes = 976;

    /// <summary>ProduceRequest v9 (flexible, header v2): one topic, one partition; the whole frame, size prefix included.</summary>
    public static byte[] ProduceRequestFrame()
    {
        var w = new ArrayBufferWriter<byte>();
        w.WriteInt16(0);                                     // api_key: Produce
        w.WriteInt16(9);                                     // api_version
        w.WriteInt32(CorrelationId);                         // correlation_id
        w.WriteString("bench-client", compact: false);       // client_id: a classic string even in header v2
        w.WriteUnsignedVarInt(0);                            // header tagged fields
        w.WriteString((string?)null, compact: true);         // transactional_id
        w.WriteInt16(ProduceAcks);                           // acks
        w.WriteInt32(30_000);                                // timeout_ms
        w.WriteArrayLength(1, compact: true);                // topic_data
        w.WriteString("orders", compact: true);              //   name
        w.WriteArrayLength(1, compact: true);                //   partition_data
        w.WriteInt32(0);                                     //     index
        w.WriteBytes(new byte[ProduceRecordBytes], compact: true); // records
        w.WriteUnsignedVarInt(0);                            //     partition tagged fields
        w.WriteUnsignedVarInt(0);                            //   topic tagged fields
        w.WriteUnsignedVarInt(0);                            // tagged fields
        if (w.WrittenCount != ProducePayloadLength)
        {
            throw new InvalidOperationException($"the Produce payload is {w.WrittenCount} bytes, not {ProducePayloadLength}");
        }

        return WithSize(w);
    }

    /// <summary>
    /// ProduceRequest v9 (flexible, header v2) as librdkafka sends one: one topic, one partition, one uncompressed record
    /// batch (magic 2, CRC-32C filled in, no producer id) of <paramref name="records"/> records with no key and a value of
    /// <paramref name="valueBytes"/> bytes each; the whole frame, size prefix included.
    /// </summary>
    public static byte[] ProduceRequestFrameWithBatch(short acks, int records, int valueBytes)
    {
        byte[] batch = RecordBatch(records, valueBytes);
        var w = new ArrayBufferWriter<byte>();
        w.WriteInt16(0);                                     // api_key: Produce
        w.WriteInt16(9);                                     // api_version
        w.WriteInt32(CorrelationId);                         // correlation_id
        w.WriteString("kafkaproxy-load", compact: false);    // client_id: a classic string even in header v2
        w.WriteUnsignedVarInt(0);                            // header tagged fields
        w.WriteString((string?)null, compact: true);         // transactional_id
        w.WriteInt16(acks);                                  // acks
        w.WriteInt32(30_000);                                // timeout_ms
        w.WriteArrayLength(1, compact: true);                // topic_data
        w.WriteString("load-produce", compact: true);        //   name
        w.WriteArrayLength(1, compact: true);                //   partition_data
        w.WriteInt32(3);                                     //     index
        w.WriteBytes(batch, compact: true);                  //     records
        w.WriteUnsignedVarInt(0);                            //     partition tagged fields
        w.WriteUnsignedVarInt(0);                            //   topic tagged fields
        w.WriteUnsignedVarInt(0);                            // tagged fields
        return WithSize(w);
    }

    /// <summary>A record batch, magic 2 (the protocol guide's record batch layout), uncompressed.</summary>
    private static byte[] RecordBatch(int records, int valueBytes)
    {
        const long Timestamp = 1_764_000_000_000;
        var body = new ArrayBufferWriter<byte>();            // from attributes on: what the CRC covers
        body.WriteInt16(0);                                  // attributes: no compression, create time, not transactional
        body.WriteInt32(records - 1);                        // last_offset_delta
        body.WriteInt64(Timestamp);                          // base_timestamp
        body.WriteInt64(Timestamp);                          // max_timestamp
        body.WriteInt64(-1);                                 // producer_id: not idempotent
        body.WriteInt16(-1);                                 // producer_epoch
        body.WriteInt32(-1);                                 // base_sequence
        body.WriteInt32(records);                            // records count
        byte[] value = new byte[valueBytes];
        for (int i = 0; i < records; i++)
        {
            var record = new ArrayBufferWriter<byte>();
            record.WriteInt8(0);                             //   attributes
            record.WriteVarLong(0);                          //   timestamp_delta
            record.WriteVarInt(i);                           //   offset_delta
            record.WriteVarInt(-1);                          //   key: null
            record.WriteVarInt(valueBytes);                  //   value length
            record.Write(value);                             //   value
            record.WriteVarInt(0);                           //   headers: none
            body.WriteVarInt(record.WrittenCount);           // record length
            body.Write(record.WrittenSpan);
        }

        var batch = new ArrayBufferWriter<byte>();
        batch.WriteInt64(0);                                 // base_offset
        batch.WriteInt32(4 + 1 + 4 + body.WrittenCount);     // batch_length: from the leader epoch on
        batch.WriteInt32(-1);                                // partition_leader_epoch
        batch.WriteInt8(2);                                  // magic
        batch.WriteUInt32(Crc32C.Compute(body.WrittenSpan)); // crc
        batch.Write(body.WrittenSpan);
        return batch.WrittenSpan.ToArray();
    }

    /// <summary>MetadataResponse v12 (flexible, header v1): three brokers, then <paramref name="topics"/> topics.</summary>
    public static byte[] MetadataResponseV12(int topics, int partitionsPerTopic)
    {
        var w = new ArrayBufferWriter<byte>();
        w.WriteInt32(CorrelationId);                         // correlation_id
        w.WriteUnsignedVarInt(0);                            // header tagged fields
        w.WriteInt32(0);                                     // throttle_time_ms
        w.WriteArrayLength(Brokers.Length, compact: true);   // brokers
        foreach (var (node, host, port) in Brokers)
        {
            w.WriteInt32(node);                              //   node_id
            w.WriteString(host, compact: true);              //   host
            w.WriteInt32(port);                              //   port
            w.WriteString($"rack-{node}", compact: true);    //   rack
            w.WriteUnsignedVarInt(0);                        //   tagged fields
        }

        w.WriteString("cluster-x", compact: true);           // cluster_id
        w.WriteInt32(Brokers[0].Node);                       // controller_id
        w.WriteArrayLength(topics, compact: true);           // topics
        for (int t = 0; t < topics; t++)
        {
            w.WriteInt16(0);                                 //   error_code
            w.WriteString($"topic-{t:000}", compact: true);  //   name
            w.WriteUuid(new Guid(t + 1, 2, 3, [4, 5, 6, 7, 8, 9, 10, 11])); // topic_id
            w.WriteBool(false);                              //   is_internal
            w.WriteArrayLength(partitionsPerTopic, compact: true); // partitions
            for (int p = 0; p < partitionsPerTopic; p++)
            {
                w.WriteInt16(0);                             //     error_code
                w.WriteInt32(p);                             //     partition_index
                w.WriteInt32(Brokers[p % Brokers.Length].Node); // leader_id
                w.WriteInt32(5);                             //     leader_epoch
                WriteNodeIds(w);                             //     replica_nodes
                WriteNodeIds(w);                             //     isr_nodes
                w.WriteArrayLength(0, compact: true);        //     offline_replicas
                w.WriteUnsignedVarInt(0);                    //     tagged fields
            }

            w.WriteInt32(int.MinValue);                      //   topic_authorized_operations
            w.WriteUnsignedVarInt(0);                        //   tagged fields
        }

        w.WriteUnsignedVarInt(0);                            // tagged fields
        return w.WrittenSpan.ToArray();
    }

    /// <summary>FindCoordinatorResponse v4 (KIP-699 batch): one coordinator per broker.</summary>
    public static byte[] FindCoordinatorResponseV4()
    {
        var w = new ArrayBufferWriter<byte>();
        w.WriteInt32(CorrelationId);                         // correlation_id
        w.WriteUnsignedVarInt(0);                            // header tagged fields
        w.WriteInt32(0);                                     // throttle_time_ms
        w.WriteArrayLength(Brokers.Length, compact: true);   // coordinators
        foreach (var (node, host, port) in Brokers)
        {
            w.WriteString($"group-{node}", compact: true);   //   key
            w.WriteInt32(node);                              //   node_id
            w.WriteString(host, compact: true);              //   host
            w.WriteInt32(port);                              //   port
            w.WriteInt16(0);                                 //   error_code
            w.WriteString((string?)null, compact: true);     //   error_message
            w.WriteUnsignedVarInt(0);                        //   tagged fields
        }

        w.WriteUnsignedVarInt(0);                            // tagged fields
        return w.WrittenSpan.ToArray();
    }

    /// <summary>FetchResponse v16: one partition holding <paramref name="recordBytes"/> of records, NodeEndpoints (KIP-951) as top-level tag 0.</summary>
    public static byte[] FetchResponseV16(int recordBytes)
    {
        var w = new ArrayBufferWriter<byte>();
        w.WriteInt32(CorrelationId);                         // correlation_id
        w.WriteUnsignedVarInt(0);                            // header tagged fields
        w.WriteInt32(0);                                     // throttle_time_ms
        w.WriteInt16(0);                                     // error_code
        w.WriteInt32(77);                                    // session_id
        w.WriteArrayLength(1, compact: true);                // responses
        w.WriteUuid(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff")); // topic_id
        w.WriteArrayLength(1, compact: true);                //   partitions
        w.WriteInt32(0);                                     //     partition_index
        w.WriteInt16(0);                                     //     error_code
        w.WriteInt64(100);                                   //     high_watermark
        w.WriteInt64(100);                                   //     last_stable_offset
        w.WriteInt64(0);                                     //     log_start_offset
        w.WriteArrayLength(0, compact: true);                //     aborted_transactions
        w.WriteInt32(-1);                                    //     preferred_read_replica
        w.WriteBytes(new byte[recordBytes], compact: true);  //     records
        w.WriteUnsignedVarInt(0);                            //     tagged fields
        w.WriteUnsignedVarInt(0);                            //   tagged fields

        var endpoints = new ArrayBufferWriter<byte>();
        endpoints.WriteArrayLength(Brokers.Length, compact: true); // node_endpoints
        foreach (var (node, host, port) in Brokers)
        {
            endpoints.WriteInt32(node);                      //   node_id
            endpoints.WriteString(host, compact: true);      //   host
            endpoints.WriteInt32(port);                      //   port
            endpoints.WriteString((string?)null, compact: true); // rack
            endpoints.WriteUnsignedVarInt(0);                //   tagged fields
        }

        w.WriteUnsignedVarInt(1);                            // tagged fields: one
        w.WriteUnsignedVarInt(0);                            //   tag 0: NodeEndpoints
        w.WriteUnsignedVarInt((uint)endpoints.WrittenCount); //   size
        w.Write(endpoints.WrittenSpan);
        return w.WrittenSpan.ToArray();
    }

    private static void WriteNodeIds(ArrayBufferWriter<byte> w)
    {
        w.WriteArrayLength(Brokers.Length, compact: true);
        foreach (var (node, _, _) in Brokers)
        {
            w.WriteInt32(node);
        }
    }

    private static byte[] WithSize(ArrayBufferWriter<byte> payload)
    {
        var frame = new ArrayBufferWriter<byte>();
        frame.WriteInt32(payload.WrittenCount);
        frame.Write(payload.WrittenSpan);
        return frame.WrittenSpan.ToArray();
    }
}
