using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// One topic of a Metadata response.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class MetadataTopicView
{
    internal MetadataTopicView(short errorCode, string? name, Guid? topicId, bool isInternal, IReadOnlyList<MetadataPartitionView> partitions)
    {
        ErrorCode = errorCode;
        Name = name;
        TopicId = topicId;
        IsInternal = isInternal;
        Partitions = partitions;
    }

    /// <summary>The topic's error code, 0 for none.</summary>
    public short ErrorCode { get; }

    /// <summary>The topic's name, or null when the response names it by id only.</summary>
    public string? Name { get; }

    /// <summary>The topic's id (v10+), or null before.</summary>
    public Guid? TopicId { get; }

    /// <summary>True for an internal topic such as __consumer_offsets (v1+).</summary>
    public bool IsInternal { get; }

    /// <summary>The partitions, in response order.</summary>
    public IReadOnlyList<MetadataPartitionView> Partitions { get; }
}
