using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// One partition of a Fetch response: its error code, offsets and record batches.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class FetchPartitionView
{
    internal FetchPartitionView(int index, short errorCode, long highWatermark, long lastStableOffset, long logStartOffset, IReadOnlyList<RecordBatchView> batches, bool endsWithPartialBatch)
    {
        Index = index;
        ErrorCode = errorCode;
        HighWatermark = highWatermark;
        LastStableOffset = lastStableOffset;
        LogStartOffset = logStartOffset;
        Batches = batches;
        EndsWithPartialBatch = endsWithPartialBatch;
    }

    /// <summary>The partition index.</summary>
    public int Index { get; }

    /// <summary>The partition's error code, 0 for none.</summary>
    public short ErrorCode { get; }

    /// <summary>The high watermark, -1 when unknown.</summary>
    public long HighWatermark { get; }

    /// <summary>The last stable offset (v4+), -1 when unknown.</summary>
    public long LastStableOffset { get; }

    /// <summary>The log start offset (v5+), -1 when unknown.</summary>
    public long LogStartOffset { get; }

    /// <summary>The whole record batches, in log order; empty when there are no records. A last batch the size limit cut short is not listed.</summary>
    public IReadOnlyList<RecordBatchView> Batches { get; }

    /// <summary>True when the records end with a batch cut short at the response's size limit (the client fetches it again).</summary>
    public bool EndsWithPartialBatch { get; }
}
