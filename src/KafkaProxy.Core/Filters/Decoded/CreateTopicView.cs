using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// One topic a CreateTopics request asks for. Either the partitions and replication factor are given, or
/// <see cref="Assignments"/> chooses the replicas of each partition (then both read -1); -1 without assignments asks
/// for the broker's default (KIP-464).
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class CreateTopicView
{
    internal CreateTopicView(string name, int partitions, short replicationFactor, IReadOnlyList<ReplicaAssignmentView> assignments, IReadOnlyList<KeyValuePair<string, string?>> configs)
    {
        Name = name;
        Partitions = partitions;
        ReplicationFactor = replicationFactor;
        Assignments = assignments;
        Configs = configs;
    }

    /// <summary>The topic's name.</summary>
    public string Name { get; }

    /// <summary>The number of partitions, or -1 for the broker's default or when <see cref="Assignments"/> are given.</summary>
    public int Partitions { get; }

    /// <summary>The replication factor, or -1 for the broker's default or when <see cref="Assignments"/> are given.</summary>
    public short ReplicationFactor { get; }

    /// <summary>The replicas of each partition when the client chooses them, else empty.</summary>
    public IReadOnlyList<ReplicaAssignmentView> Assignments { get; }

    /// <summary>The topic's configuration entries as sent (name, value or null), in request order.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Configs { get; }
}
