using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// One partition of a Metadata response: its leader and replicas.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class MetadataPartitionView
{
    internal MetadataPartitionView(short errorCode, int index, int leaderId, int leaderEpoch, IReadOnlyList<int> replicaNodes, IReadOnlyList<int> isrNodes)
    {
        ErrorCode = errorCode;
        Index = index;
        LeaderId = leaderId;
        LeaderEpoch = leaderEpoch;
        ReplicaNodes = replicaNodes;
        IsrNodes = isrNodes;
    }

    /// <summary>The partition's error code, 0 for none.</summary>
    public short ErrorCode { get; }

    /// <summary>The partition index.</summary>
    public int Index { get; }

    /// <summary>The leader's node id, -1 when there is none.</summary>
    public int LeaderId { get; }

    /// <summary>The leader epoch (v7+), -1 when unknown.</summary>
    public int LeaderEpoch { get; }

    /// <summary>The node ids of the replicas.</summary>
    public IReadOnlyList<int> ReplicaNodes { get; }

    /// <summary>The node ids of the in-sync replicas.</summary>
    public IReadOnlyList<int> IsrNodes { get; }
}
