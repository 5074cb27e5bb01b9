using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>One partition a Produce request writes to, with the headers of its record batches.</summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class ProducePartitionView
{
    internal ProducePartitionView(int index, IReadOnlyList<RecordBatchView> batches)
    {
        Index = index;
        Batches = batches;
    }

    /// <summary>The partition index.</summary>
    public int Index { get; }

    /// <summary>The record batches, in request order; empty when the request carries no records for the partition.</summary>
    public IReadOnlyList<RecordBatchView> Batches { get; }
}
