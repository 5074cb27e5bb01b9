using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// A CreateTopics request (api key 19) as a filter reads it (<see cref="KafkaRequest.ReadCreateTopics"/>): the topics
/// asked for, with their partitions, replication and configuration. A copy: it stays valid after the filter returns.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class CreateTopicsRequestView
{
    internal CreateTopicsRequestView(IReadOnlyList<CreateTopicView> topics, int timeoutMs, bool validateOnly)
    {
        Topics = topics;
        TimeoutMs = timeoutMs;
        ValidateOnly = validateOnly;
    }

    /// <summary>The topics to create, in request order (the order <see cref="KafkaRequest.RefuseWithError(short, string, Func{int, string?})"/> numbers them in).</summary>
    public IReadOnlyList<CreateTopicView> Topics { get; }

    /// <summary>How long the broker may take to create them, in milliseconds.</summary>
    public int TimeoutMs { get; }

    /// <summary>True when the client only asks whether the request would succeed (v1+).</summary>
    public bool ValidateOnly { get; }
}
