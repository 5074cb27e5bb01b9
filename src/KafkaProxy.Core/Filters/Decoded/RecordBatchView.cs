using System.Diagnostics.CodeAnalysis;
using KafkaProxy.Protocol.Messages.Records;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// The header of one record batch of a Produce request or a Fetch response, as the proxy reads it without touching the
/// records: nothing is decompressed. A legacy message set entry (magic 0 or 1, Produce before v3) has no producer fields (they read
/// as -1).
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class RecordBatchView
{
    internal RecordBatchView(in RecordBatchHeader header, long offset)
    {
        Offset = offset;
        BaseOffset = header.BaseOffset;
        Magic = (byte)header.Magic;
        Compression = (RecordCompressionCodec)(int)header.Compression;
        IsTransactional = header.IsTransactional;
        IsControl = header.IsControl;
        ProducerId = header.ProducerId;
        ProducerEpoch = header.ProducerEpoch;
        BaseSequence = header.BaseSequence;
        RecordCount = header.RecordCount;
        SizeInBytes = header.SizeInBytes;
    }

    /// <summary>
    /// Where the batch begins in the body it was read from (the request's <see cref="KafkaRequest.Body"/> or the
    /// response's <see cref="KafkaResponse.Body"/>), in bytes: with <see cref="SizeInBytes"/>, the range a response
    /// filter may <see cref="KafkaResponse.Edit"/>.
    /// </summary>
    public long Offset { get; }

    /// <summary>The offset of the first record; producers write 0, the broker assigns the real one.</summary>
    public long BaseOffset { get; }

    /// <summary>The format: 2 for record batches, 0 or 1 for legacy message sets.</summary>
    public byte Magic { get; }

    /// <summary>The compression codec.</summary>
    public RecordCompressionCodec Compression { get; }

    /// <summary>True for a batch written in a transaction.</summary>
    public bool IsTransactional { get; }

    /// <summary>True for a control batch (transaction markers); producers do not send them.</summary>
    public bool IsControl { get; }

    /// <summary>The producer id, -1 when the producer is neither idempotent nor transactional.</summary>
    public long ProducerId { get; }

    /// <summary>The producer epoch, -1 without a producer id.</summary>
    public short ProducerEpoch { get; }

    /// <summary>The sequence number of the first record, -1 without a producer id.</summary>
    public int BaseSequence { get; }

    /// <summary>The number of records; -1 for a compressed legacy message, whose count is known only inside it.</summary>
    public int RecordCount { get; }

    /// <summary>The bytes the whole batch takes, its header included.</summary>
    public int SizeInBytes { get; }
}
