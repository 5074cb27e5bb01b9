using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// One topic of a Produce request. Up to v12 the request names it (<see cref="Name"/>); from v13 it gives the topic's
/// id instead (<see cref="TopicId"/>, KIP-516), and the name is not in the request at all.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class ProduceTopicView
{
    internal ProduceTopicView(string? name, Guid? topicId, IReadOnlyList<ProducePartitionView> partitions)
    {
        Name = name;
        TopicId = topicId;
        Partitions = partitions;
    }

    /// <summary>The topic's name (Produce v0-v12), or null when the request names topics by id (v13+).</summary>
    public string? Name { get; }

    /// <summary>The topic's id (Produce v13+), or null when the request names topics by name.</summary>
    public Guid? TopicId { get; }

    /// <summary>The partitions written to, in request order.</summary>
    public IReadOnlyList<ProducePartitionView> Partitions { get; }
}
