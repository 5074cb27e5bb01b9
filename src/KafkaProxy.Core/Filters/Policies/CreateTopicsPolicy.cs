using System.Text.RegularExpressions;

namespace KafkaProxy.Core.Filters.Policies;

/// <summary>The rules a new topic must follow; <see cref="Check"/> returns why it broke one, or null.</summary>
internal sealed class CreateTopicsPolicy(PolicyOptions options)
{
    private readonly Regex? _topicNames = options.CompileTopicNamePattern();

    /// <param name="name">The topic's name.</param>
    /// <param name="partitions">The partitions asked for; -1 when the broker's default is asked for (KIP-464), or when assignments are given.</param>
    /// <param name="replicationFactor">The replication factor asked for; -1 for the broker's default or when assignments are given.</param>
    /// <param name="assignments">The replicas of each partition when given explicitly, else empty.</param>
    public string? Check(string name, int partitions, short replicationFactor, IReadOnlyList<int> assignments)
    {
        if (_topicNames is not null && !_topicNames.IsMatch(name))
        {
            return $"policy TopicNamePattern: topic '{name}' does not match {options.TopicNamePattern}";
        }

        int partitionCount = assignments.Count > 0 ? assignments.Count : partitions;
        if (options.CreateTopicsMaxPartitions is { } maxPartitions && (partitionCount < 0 || partitionCount > maxPartitions))
        {
            return partitionCount < 0
                ? $"policy CreateTopicsMaxPartitions: give the number of partitions (at most {maxPartitions}) instead of the broker's default"
                : $"policy CreateTopicsMaxPartitions: {partitionCount} partitions, more than {maxPartitions}";
        }

        int fewestReplicas = assignments.Count > 0 ? assignments.Min() : replicationFactor;
        if (options.CreateTopicsMinReplicationFactor is { } minReplicas && (fewestReplicas < 0 || fewestReplicas < minReplicas))
        {
            return fewestReplicas < 0
                ? $"policy CreateTopicsMinReplicationFactor: give the replication factor (at least {minReplicas}) instead of the broker's default"
                : $"policy CreateTopicsMinReplicationFactor: replication factor {fewestReplicas}, less than {minReplicas}";
        }

        return null;
    }
}
