using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// One topic of a Fetch response: named up to v12, by id from v13 (KIP-516).
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class FetchTopicView
{
    internal FetchTopicView(string? name, Guid? topicId, IReadOnlyList<FetchPartitionView> partitions)
    {
        Name = name;
        TopicId = topicId;
        Partitions = partitions;
    }

    /// <summary>The topic's name (v0-v12), or null when the response names topics by id.</summary>
    public string? Name { get; }

    /// <summary>The topic's id (v13+), or null when the response names topics by name.</summary>
    public Guid? TopicId { get; }

    /// <summary>The partitions, in response order.</summary>
    public IReadOnlyList<FetchPartitionView> Partitions { get; }
}
