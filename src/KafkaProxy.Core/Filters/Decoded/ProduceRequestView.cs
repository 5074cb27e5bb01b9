using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// A Produce request (api key 0) as a filter reads it (<see cref="KafkaRequest.ReadProduce"/>): its acknowledgements,
/// transactional id, and per topic and partition the headers of its record batches. A copy: it stays valid after the
/// filter returns, and changing the request takes <see cref="KafkaRequest.Forward"/> with new bytes.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class ProduceRequestView
{
    internal ProduceRequestView(short acks, int timeoutMs, string? transactionalId, IReadOnlyList<ProduceTopicView> topics)
    {
        Acks = acks;
        TimeoutMs = timeoutMs;
        TransactionalId = transactionalId;
        Topics = topics;
    }

    /// <summary>The acknowledgements the producer wants: 0 none (no response is sent), 1 the leader, -1 every in-sync replica.</summary>
    public short Acks { get; }

    /// <summary>How long the broker may wait for the acknowledgements, in milliseconds.</summary>
    public int TimeoutMs { get; }

    /// <summary>The transactional id (v3+), or null when the producer is not transactional.</summary>
    public string? TransactionalId { get; }

    /// <summary>The topics written to, in request order (the order <see cref="KafkaRequest.RefuseWithError(short, string, Func{int, string?})"/> numbers them in).</summary>
    public IReadOnlyList<ProduceTopicView> Topics { get; }
}
