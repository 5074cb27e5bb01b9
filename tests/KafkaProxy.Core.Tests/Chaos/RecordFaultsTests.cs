using System.Buffers;
using System.Buffers.Binary;
using KafkaProxy.Core.Chaos.Kafka;
using KafkaProxy.Protocol.Messages.Records;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Tests.Chaos;

public sealed class RecordFaultsTests
{
    private static readonly byte[] SchemaValue = [0, 0, 0, 0, 7, (byte)'h', (byte)'i'];
    private static readonly byte[] PlainValue = "plain"u8.ToArray();

    [Fact]
    public void WithSchemaId_RewritesOnlyRegistryValues_AndTheCrcStillMatches()
    {
        byte[] batch = Batch(attributes: 0, SchemaValue, PlainValue, null, SchemaValue);

        byte[]? changed = RecordFaults.WithSchemaId(new ReadOnlySequence<byte>(batch), 4242);

        Assert.NotNull(changed);
        Assert.Equal(batch.Length, changed.Length);
        var values = Values(changed);
        Assert.Equal([4242, -1, -1, 4242], values.Select(v => v is [0, ..] ? BinaryPrimitives.ReadInt32BigEndian(v.AsSpan(1)) : -1));
        Assert.Equal(PlainValue, values[1]);
        Assert.Equal("hi"u8.ToArray(), values[0]![5..]);
        Assert.True(CrcValid(changed));
    }

    [Fact]
    public void WithSchemaId_CompressedOrNoRegistryValue_LeavesTheBatchAlone()
    {
        Assert.Null(RecordFaults.WithSchemaId(new ReadOnlySequence<byte>(Batch(attributes: 4, SchemaValue)), 1)); // zstd
        Assert.Null(RecordFaults.WithSchemaId(new ReadOnlySequence<byte>(Batch(attributes: 0, PlainValue, null)), 1));
    }

    [Fact]
    public void WithSchemaId_RecordsCutShort_ThrowsProtocolException()
    {
        byte[] batch = Batch(attributes: 0, SchemaValue, PlainValue);

        Assert.Throws<KafkaProtocolException>(() => RecordFaults.WithSchemaId(new ReadOnlySequence<byte>(batch, 0, batch.Length - 3), 1));
    }

    // A magic 2 batch with one record per value (null: a null value), its CRC right.
    internal static byte[] Batch(short attributes, params byte[]?[] values)
    {
        var records = new ArrayBufferWriter<byte>();
        for (int i = 0; i < values.Length; i++)
        {
            var record = new ArrayBufferWriter<byte>();
            record.Write(new byte[1]);                   // attributes
            WriteVarLong(record, 0);                      // timestamp delta
            WriteVarLong(record, i);                      // offset delta
            WriteVarLong(record, -1);                     // no key
            WriteVarLong(record, values[i]?.Length ?? -1);
            record.Write(values[i] ?? Array.Empty<byte>());
            WriteVarLong(record, 0);                      // no headers
            WriteVarLong(records, record.WrittenCount);
            records.Write(record.WrittenSpan);
        }

        byte[] batch = new byte[61 + records.WrittenCount];
        var span = batch.AsSpan();
        BinaryPrimitives.WriteInt32BigEndian(span[8..], batch.Length - 12);
        span[16] = 2;
        BinaryPrimitives.WriteInt16BigEndian(span[21..], attributes);
        BinaryPrimitives.WriteInt32BigEndian(span[23..], values.Length - 1);
        BinaryPrimitives.WriteInt64BigEndian(span[43..], -1); // producer id
        BinaryPrimitives.WriteInt16BigEndian(span[51..], -1);
        BinaryPrimitives.WriteInt32BigEndian(span[53..], -1);
        BinaryPrimitives.WriteInt32BigEndian(span[57..], values.Length);
        records.WrittenSpan.CopyTo(span[61..]);
        BinaryPrimitives.WriteUInt32BigEndian(span[17..], Crc32C.Compute(new ReadOnlySequence<byte>(batch, 21, batch.Length - 21)));
        return batch;
    }

    private static bool CrcValid(byte[] batch)
    {
        var reader = new RecordBatchReader(new ReadOnlySequence<byte>(batch));
        Assert.True(reader.TryReadNext(out var header, out var bytes));
        return RecordBatchReader.IsCrcValid(header, bytes);
    }

    private static List<byte[]?> Values(byte[] batch)
    {
        var values = new List<byte[]?>();
        var reader = new KafkaReader(new ReadOnlySequence<byte>(batch, 61, batch.Length - 61));
        while (reader.Remaining > 0)
        {
            reader.ReadVarInt();
            reader.ReadInt8();
            reader.ReadVarLong();
            reader.ReadVarInt();
            reader.Skip(Math.Max(0, reader.ReadVarInt()));
            int length = reader.ReadVarInt();
            byte[]? value = null;
            if (length >= 0)
            {
                value = new byte[length];
                for (int i = 0; i < length; i++)
                {
                    value[i] = (byte)reader.ReadInt8();
                }
            }

            values.Add(value);
            reader.ReadVarInt();
        }

        return values;
    }

    private static void WriteVarLong(ArrayBufferWriter<byte> writer, long value)
    {
        ulong zigzag = VarInt.ZigZag(value);
        writer.Advance(VarInt.WriteUnsigned(writer.GetSpan(10), zigzag));
    }
}
