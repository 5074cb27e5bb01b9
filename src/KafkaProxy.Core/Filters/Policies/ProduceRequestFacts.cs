using System.Buffers;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Filters.Policies;

/// <summary>
/// What the policies read from a Produce request body (v0-v13): acks, and per topic and partition the header of each
/// record batch. Written for the policies until the message codecs are generated from schemas; only reads.
/// </summary>
internal sealed class ProduceRequestFacts
{
    public short Acks { get; private init; }

    public List<TopicFacts> Topics { get; } = [];

    /// <summary>Reads a Produce request body of <paramref name="version"/>.</summary>
    /// <exception cref="KafkaProtocolException">The body is malformed.</exception>
    public static ProduceRequestFacts Read(in ReadOnlySequence<byte> body, short version)
    {
        var reader = new KafkaReader(body, 0, version);
        bool flexible = version >= 9;
        if (version >= 3)
        {
            reader.SkipString(flexible); // transactional_id
        }

        var facts = new ProduceRequestFacts { Acks = reader.ReadInt16() };
        reader.ReadInt32(); // timeout_ms
        int topics = reader.ReadArrayLength(flexible);
        for (int t = 0; t < topics; t++)
        {
            // v13 names topics by id (KIP-516): the name is not in the request.
            string? name = version >= 13 ? null : reader.ReadString(flexible);
            Guid id = version >= 13 ? reader.ReadUuid() : Guid.Empty;
            var topic = new TopicFacts(name, id);
            int partitions = reader.ReadArrayLength(flexible);
            for (int p = 0; p < partitions; p++)
            {
                int index = reader.ReadInt32();
                var records = reader.ReadBytes(flexible);
                topic.Partitions.Add(new PartitionFacts(index, RecordBatches(records)));
                if (flexible)
                {
                    reader.SkipTaggedFields();
                }
            }

            if (flexible)
            {
                reader.SkipTaggedFields();
            }

            facts.Topics.Add(topic);
        }

        return facts;
    }

    // Walks the batches (magic 2) or message-set entries (magic 0 and 1) of one partition's records.
    private static List<BatchFacts> RecordBatches(ReadOnlySequence<byte> records)
    {
        var batches = new List<BatchFacts>();
        var reader = new KafkaReader(records, 0, -1);
        while (reader.Remaining > 0)
        {
            reader.ReadInt64();                  // base offset, or the message's offset
            int length = reader.ReadInt32();     // bytes after this field
            if (length < 5 || length > reader.Remaining)
            {
                throw reader.Malformed($"a record batch says it holds {length} bytes, but {reader.Remaining} remain");
            }

            reader.ReadInt32();                  // partition leader epoch (magic 2), or the message's CRC
            byte magic = (byte)reader.ReadInt8();
            int codec;
            long producerId = -1;
            if (magic >= 2)
            {
                reader.ReadUInt32();             // CRC-32C
                codec = reader.ReadInt16() & 0x07;
                reader.Skip(4 + 8 + 8);          // last offset delta, base and max timestamps
                producerId = reader.ReadInt64();
                reader.Skip(length - (4 + 1 + 4 + 2 + 4 + 8 + 8 + 8));
            }
            else
            {
                codec = reader.ReadInt8() & 0x07;
                reader.Skip(length - (4 + 1 + 1));
            }

            batches.Add(new BatchFacts(sizeof(long) + sizeof(int) + length, magic, codec, producerId));
        }

        return batches;
    }

    internal sealed record TopicFacts(string? Name, Guid Id)
    {
        public List<PartitionFacts> Partitions { get; } = [];
    }

    internal sealed record PartitionFacts(int Index, List<BatchFacts> Batches);

    internal readonly record struct BatchFacts(int Size, byte Magic, int CompressionCodec, long ProducerId);
}
