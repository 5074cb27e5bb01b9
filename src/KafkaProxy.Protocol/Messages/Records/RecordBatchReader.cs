using System.Buffers;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.Records;

/// <summary>
/// Walks the record batches of a records field (<c>ProduceRequestPartition.Records</c>,
/// <c>FetchResponsePartition.Records</c>) batch by batch, reading each header and skipping the records by the
/// batch's length: nothing is copied or decompressed. Layouts from the protocol guide's record batch (magic 2) and
/// message set (magic 0 and 1) formats.
/// </summary>
/// <remarks>
/// A Fetch response may end with a batch cut short at the size limit: the walk then stops and
/// <see cref="EndsWithPartialBatch"/> is true. In a Produce request that is malformed; the caller decides.
/// </remarks>
internal ref struct RecordBatchReader
{
    // After the base offset and length: CRC, magic, attributes, then key and value lengths (and a timestamp in magic 1).
    private const int SmallestLegacyLength = 4 + 1 + 1 + 4 + 4;

    // After the base offset and length: leader epoch, magic, CRC, attributes, last offset delta, two timestamps,
    // producer id, producer epoch, base sequence and the record count.
    private const int SmallestBatchLength = 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;

    // The magic byte's offset in every format, which decides how the bytes before it read.
    private const int MagicOffset = RecordBatchHeader.LogOverhead + 4;

    private readonly ReadOnlySequence<byte> _records;
    private readonly short _apiKey;
    private readonly short _apiVersion;
    private long _position;

    /// <summary>Walks <paramref name="records"/>; <paramref name="apiKey"/> and <paramref name="apiVersion"/> only label errors.</summary>
    public RecordBatchReader(in ReadOnlySequence<byte> records, short apiKey = -1, short apiVersion = -1)
    {
        _records = records;
        _apiKey = apiKey;
        _apiVersion = apiVersion;
    }

    /// <summary>The offset into the records of the next batch.</summary>
    public readonly long Consumed => _position;

    /// <summary>True when the walk stopped at a batch that runs past the end of the records.</summary>
    public bool EndsWithPartialBatch { get; private set; }

    /// <summary>Reads the next batch's header.</summary>
    /// <returns>False at the end of the records, or at a partial last batch.</returns>
    /// <exception cref="KafkaProtocolException">A batch is malformed: a length too small for its format, an unknown magic, a negative record count.</exception>
    public bool TryReadNext(out RecordBatchHeader header) => TryReadNext(out header, out _);

    /// <summary>Reads the next batch's header and gives the whole batch's bytes (a slice of the records, no copy).</summary>
    /// <inheritdoc cref="TryReadNext(out RecordBatchHeader)"/>
    public bool TryReadNext(out RecordBatchHeader header, out ReadOnlySequence<byte> batch)
    {
        header = default;
        batch = default;
        var rest = _records.Slice(_position);
        if (rest.IsEmpty)
        {
            return false;
        }

        if (rest.Length <= MagicOffset)
        {
            EndsWithPartialBatch = true;
            return false;
        }

        var reader = new KafkaReader(rest, _apiKey, _apiVersion);
        long baseOffset = reader.ReadInt64();
        int length = reader.ReadInt32();
        if (length < SmallestLegacyLength)
        {
            throw Malformed($"record batch length {length} is below the smallest message ({SmallestLegacyLength} bytes)", RecordBatchHeader.LogOverhead - 4);
        }

        if (RecordBatchHeader.LogOverhead + (long)length > rest.Length)
        {
            EndsWithPartialBatch = true;
            return false;
        }

        batch = rest.Slice(0, RecordBatchHeader.LogOverhead + length);
        int epochOrCrc = reader.ReadInt32();
        sbyte magic = reader.ReadInt8();
        header = magic switch
        {
            2 => ReadBatch(ref reader, baseOffset, length, epochOrCrc),
            0 or 1 => ReadLegacy(ref reader, baseOffset, length, magic, (uint)epochOrCrc),
            _ => throw Malformed($"record batch magic {magic} is unknown (0, 1 and 2 are)", MagicOffset),
        };
        _position += header.SizeInBytes;
        return true;
    }

    /// <summary>True when a magic 2 batch's CRC-32C matches its bytes (<paramref name="batch"/> as <see cref="TryReadNext(out RecordBatchHeader, out ReadOnlySequence{byte})"/> gives it).</summary>
    public static bool IsCrcValid(in RecordBatchHeader header, in ReadOnlySequence<byte> batch) =>
        header.Magic == 2 && Crc32C.Compute(batch.Slice(MagicOffset + 1 + 4)) == header.Crc;

    private readonly RecordBatchHeader ReadBatch(ref KafkaReader reader, long baseOffset, int length, int leaderEpoch)
    {
        if (length < SmallestBatchLength)
        {
            throw Malformed($"record batch length {length} is below the smallest batch ({SmallestBatchLength} bytes)", RecordBatchHeader.LogOverhead - 4);
        }

        var header = new RecordBatchHeader(
            baseOffset,
            length,
            leaderEpoch,
            Magic: 2,
            Crc: reader.ReadUInt32(),
            Attributes: reader.ReadInt16(),
            LastOffsetDelta: reader.ReadInt32(),
            BaseTimestamp: reader.ReadInt64(),
            MaxTimestamp: reader.ReadInt64(),
            ProducerId: reader.ReadInt64(),
            ProducerEpoch: reader.ReadInt16(),
            BaseSequence: reader.ReadInt32(),
            RecordCount: reader.ReadInt32());
        return header.RecordCount >= 0 ? header : throw Malformed($"record batch holds {header.RecordCount} records", RecordBatchHeader.LogOverhead + SmallestBatchLength - 4);
    }

    private readonly RecordBatchHeader ReadLegacy(ref KafkaReader reader, long baseOffset, int length, sbyte magic, uint crc)
    {
        if (magic == 1 && length < SmallestLegacyLength + 8)
        {
            throw Malformed($"message length {length} is below the smallest magic 1 message ({SmallestLegacyLength + 8} bytes)", RecordBatchHeader.LogOverhead - 4);
        }

        short attributes = (byte)reader.ReadInt8();
        long timestamp = magic == 1 ? reader.ReadInt64() : -1;

        // No producer fields before magic 2; a compressed legacy message wraps the real messages in its value.
        return new RecordBatchHeader(
            baseOffset,
            length,
            PartitionLeaderEpoch: -1,
            magic,
            crc,
            attributes,
            LastOffsetDelta: 0,
            BaseTimestamp: timestamp,
            MaxTimestamp: timestamp,
            ProducerId: -1,
            ProducerEpoch: -1,
            BaseSequence: -1,
            RecordCount: (attributes & 0x07) == 0 ? 1 : -1);
    }

    private readonly KafkaProtocolException Malformed(string reason, long offsetInBatch) =>
        new(reason + " (offset into the records)", _apiKey, _apiVersion, _position + offsetInBatch);
}
