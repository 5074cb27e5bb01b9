namespace KafkaProxy.Protocol.Messages.Records;

/// <summary>
/// The header of one record batch in a records field (Produce requests, Fetch responses), as
/// <see cref="RecordBatchReader"/> reads it without touching the records. Magic 2 batches carry every field; a
/// legacy message set entry (magic 0 or 1) has no producer fields (they read as -1) and one timestamp.
/// </summary>
/// <param name="BaseOffset">The offset of the first record (assigned by the broker; producers write 0).</param>
/// <param name="BatchLength">The batch's length after the base offset and the length field: the batch takes <see cref="SizeInBytes"/>.</param>
/// <param name="PartitionLeaderEpoch">The partition leader epoch, set by the broker (-1 from producers, and for legacy messages).</param>
/// <param name="Magic">The format: 2 for record batches, 0 or 1 for legacy message sets.</param>
/// <param name="Crc">The checksum as written: CRC-32C of the bytes from the attributes on (magic 2), CRC-32 from the magic on (legacy).</param>
/// <param name="Attributes">The attributes: compression (bits 0-2), timestamp type (bit 3), transactional (bit 4), control (bit 5).</param>
/// <param name="LastOffsetDelta">The offset delta of the last record: the batch spans offsets base to base + this.</param>
/// <param name="BaseTimestamp">The timestamp of the first record (legacy: the message's timestamp, -1 in magic 0).</param>
/// <param name="MaxTimestamp">The largest timestamp in the batch.</param>
/// <param name="ProducerId">The producer id, -1 when the producer is neither idempotent nor transactional.</param>
/// <param name="ProducerEpoch">The producer epoch, -1 when there is no producer id.</param>
/// <param name="BaseSequence">The sequence number of the first record, -1 when there is no producer id.</param>
/// <param name="RecordCount">The number of records; -1 for a compressed legacy message, whose count is known only inside.</param>
internal readonly record struct RecordBatchHeader(
    long BaseOffset,
    int BatchLength,
    int PartitionLeaderEpoch,
    sbyte Magic,
    uint Crc,
    short Attributes,
    int LastOffsetDelta,
    long BaseTimestamp,
    long MaxTimestamp,
    long ProducerId,
    short ProducerEpoch,
    int BaseSequence,
    int RecordCount)
{
    /// <summary>The bytes before <see cref="BatchLength"/> counts: the base offset and the length itself.</summary>
    public const int LogOverhead = 12;

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
