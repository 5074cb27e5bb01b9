using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>The replicas a CreateTopics request chooses for one partition of a new topic.</summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class ReplicaAssignmentView
{
    internal ReplicaAssignmentView(int partitionIndex, IReadOnlyList<int> brokerIds)
    {
        PartitionIndex = partitionIndex;
        BrokerIds = brokerIds;
    }

    /// <summary>The partition index.</summary>
    public int PartitionIndex { get; }

    /// <summary>The brokers to place the partition's replicas on: as many as it has replicas.</summary>
    public IReadOnlyList<int> BrokerIds { get; }
}
