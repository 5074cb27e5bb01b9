using System.Buffers;
using System.Buffers.Binary;
using KafkaProxy.Core.Filters;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Chaos.Kafka;

/// <summary>
/// Faults in the records of a Fetch response, on a batch as <see cref="KafkaResponse.ReadFetch"/> locates it in the body
/// (record batch format magic 2, from the protocol guide): one that a client's CRC check catches, and one that a
/// schema-registry deserializer trips on.
/// </summary>
internal static class RecordFaults
{
    // Base offset, length, leader epoch, magic, CRC, attributes, last offset delta, two timestamps, producer id and
    // epoch, base sequence, record count: then the records.
    private const int HeaderLength = 61;
    private const int CrcOffset = 17;
    private const int CrcFrom = 21;  // the CRC covers the batch from its attributes on
    private const byte SchemaRegistryMagic = 0;

    /// <summary>Whether <paramref name="batch"/> has records to corrupt: a data batch (not a transaction marker) of format 2.</summary>
    public static bool HasRecords(RecordBatchView batch) => batch.Magic == 2 && !batch.IsControl && batch.RecordCount > 0 && batch.SizeInBytes > HeaderLength;

    /// <summary>
    /// Where in the body to flip a byte of <paramref name="batch"/>'s records: their middle. The CRC no longer matches, so
    /// a client that checks it (Java and kafka-python by default, librdkafka with <c>check.crcs=true</c>) reports it.
    /// </summary>
    public static long CorruptionOffset(RecordBatchView batch) => batch.Offset + HeaderLength + ((batch.SizeInBytes - HeaderLength) / 2);

    /// <summary>
    /// <paramref name="batch"/> (its bytes) with <paramref name="schemaId"/> in place of the schema id of every record
    /// value in the schema registry's wire format (magic byte 0, then a 4-byte id) and its CRC made right again, or
    /// null when the batch is compressed or no value has that format. Compressed batches are left alone: changing a
    /// value would mean decompressing and compressing again.
    /// </summary>
    /// <exception cref="KafkaProtocolException">The records are malformed.</exception>
    public static byte[]? WithSchemaId(in ReadOnlySequence<byte> batch, int schemaId)
    {
        if (batch.Length <= HeaderLength)
        {
            return null;
        }

        byte[] bytes = batch.ToArray();
        short attributes = BinaryPrimitives.ReadInt16BigEndian(bytes.AsSpan(CrcFrom));
        if (bytes[16] != 2 || (attributes & 0x07) != 0 || (attributes & 0x20) != 0)
        {
            return null; // another format, compressed, or a transaction marker
        }

        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(HeaderLength - 4));
        var reader = new KafkaReader(new ReadOnlySequence<byte>(bytes, HeaderLength, bytes.Length - HeaderLength));
        bool changed = false;
        for (int r = 0; r < count; r++)
        {
            int length = reader.ReadVarInt();
            long recordStart = reader.Consumed;
            reader.ReadInt8();     // attributes
            reader.ReadVarLong();  // timestamp delta
            reader.ReadVarInt();   // offset delta
            int keyLength = reader.ReadVarInt();
            reader.Skip(Math.Max(0, keyLength), "record key");
            int valueLength = reader.ReadVarInt();
            int value = HeaderLength + (int)reader.Consumed;
            if (valueLength >= 5 && bytes[value] == SchemaRegistryMagic)
            {
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(value + 1), schemaId);
                changed = true;
            }

            reader.Skip(length - (reader.Consumed - recordStart), "record");
        }

        if (!changed)
        {
            return null;
        }

        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(CrcOffset), Crc32C.Compute(new ReadOnlySequence<byte>(bytes, CrcFrom, bytes.Length - CrcFrom)));
        return bytes;
    }
}
