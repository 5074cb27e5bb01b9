namespace KafkaProxy.Protocol.Messages.Records;

/// <summary>
/// The header of one record batch in a records field (Produce requests, Fetch responses), as
/// <see cref="RecordBatchReader"/> reads it without touching the records. Magic 2 batches carry every field; a
/// legacy message set entry (magic 0 or 1) has no producer fields (they read as -1) and one timestamp.
/// </summary>
internal readonly record struct RecordBatchHeader
{
    /// <summary>The bytes before <see cref="BatchLength"/> counts: the base offset and the length itself.</summary>
    public const int LogOverhead = 12;

    /// <summary>The offset of the first record (assigned by the broker; producers write 0).</summary>
    public long BaseOffset { get; init; }

    /// <summary>The batch's length after the base offset and the length field: the batch takes <see cref="SizeInBytes"/>.</summary>
    public int BatchLength { get; init; }

    /// <summary>The partition leader epoch, set by the broker (-1 from producers, and for legacy messages).</summary>
    public int PartitionLeaderEpoch { get; init; }

    /// <summary>The format: 2 for record batches, 0 or 1 for legacy message sets.</summary>
    public sbyte Magic { get; init; }

    /// <summary>The checksum as written: CRC-32C of the bytes from the attributes on (magic 2), CRC-32 from the magic on (legacy).</summary>
    public uint Crc { get; init; }

    /// <summary>The attributes: compression (bits 0-2), timestamp type (bit 3), transactional (bit 4), control (bit 5).</summary>
    public short Attributes { get; init; }

    /// <summary>The offset delta of the last record: the batch spans offsets base to base + this.</summary>
    public int LastOffsetDelta { get; init; }

    /// <summary>The timestamp of the first record (legacy: the message's timestamp, -1 in magic 0).</summary>
    public long BaseTimestamp { get; init; }

    /// <summary>The largest timestamp in the batch.</summary>
    public long MaxTimestamp { get; init; }

    /// <summary>The producer id, -1 when the producer is neither idempotent nor transactional.</summary>
    public long ProducerId { get; init; }

    /// <summary>The producer epoch, -1 when there is no producer id.</summary>
    public short ProducerEpoch { get; init; }

    /// <summary>The sequence number of the first record, -1 when there is no producer id.</summary>
    public int BaseSequence { get; init; }

    /// <summary>The number of records; -1 for a compressed legacy message, whose count is known only inside.</summary>
    public int RecordCount { get; init; }

    /// <summary>The bytes the whole batch takes in the records field.</summary>
    public int SizeInBytes => LogOverhead + BatchLength;

    /// <summary>The compression codec.</summary>
    public RecordCompression Compression => (RecordCompression)(Attributes & 0x07);

    /// <summary>True when the timestamps were set by the broker (LogAppendTime), not by the producer.</summary>
    public bool HasLogAppendTime => (Attributes & 0x08) != 0;

    /// <summary>True for a batch written in a transaction (magic 2).</summary>
    public bool IsTransactional => Magic >= 2 && (Attributes & 0x10) != 0;

    /// <summary>True for a control batch: transaction markers written by the broker (magic 2).</summary>
    public bool IsControl => Magic >= 2 && (Attributes & 0x20) != 0;

    /// <summary>True when the batch comes from an idempotent (or transactional) producer.</summary>
    public bool IsIdempotent => ProducerId >= 0;
}
