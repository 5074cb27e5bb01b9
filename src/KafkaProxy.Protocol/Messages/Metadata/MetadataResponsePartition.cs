using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.Metadata;

/// <summary>A partition of a <see cref="MetadataResponseTopic"/>: its leader and replicas.</summary>
internal sealed class MetadataResponsePartition
{
    /// <summary>The partition's error code, 0 for none.</summary>
    public short ErrorCode { get; set; }

    /// <summary>The partition index.</summary>
    public int PartitionIndex { get; set; }

    /// <summary>The node id of the leader.</summary>
    public int LeaderId { get; set; }

    /// <summary>The leader epoch, -1 when unknown (v7+).</summary>
    public int LeaderEpoch { get; set; } = -1;

    /// <summary>The node ids of the replicas.</summary>
    public IList<int> ReplicaNodes { get; set; } = new List<int>();

    /// <summary>The node ids of the in-sync replicas.</summary>
    public IList<int> IsrNodes { get; set; } = new List<int>();

    /// <summary>The node ids of the offline replicas (v5+).</summary>
    public IList<int> OfflineReplicas { get; set; } = new List<int>();

    /// <summary>Tagged fields this model does not know, kept verbatim (v9+).</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    internal static MetadataResponsePartition Read(ref KafkaReader reader, short version)
    {
        bool flexible = version >= 9;
        var partition = new MetadataResponsePartition
        {
            ErrorCode = reader.ReadInt16(),
            PartitionIndex = reader.ReadInt32(),
            LeaderId = reader.ReadInt32(),
        };
        if (version >= 7)
        {
            partition.LeaderEpoch = reader.ReadInt32();
        }

        partition.ReplicaNodes = MessageFields.ReadInt32Array(ref reader, flexible, "ReplicaNodes");
        partition.IsrNodes = MessageFields.ReadInt32Array(ref reader, flexible, "IsrNodes");
        if (version >= 5)
        {
            partition.OfflineReplicas = MessageFields.ReadInt32Array(ref reader, flexible, "OfflineReplicas");
        }

        if (flexible)
        {
            MessageFields.ReadTaggedFields(ref reader, partition.UnknownTaggedFields);
        }

        return partition;
    }

    internal void Write(IBufferWriter<byte> writer, short version)
    {
        bool flexible = version >= 9;
        writer.WriteInt16(ErrorCode);
        writer.WriteInt32(PartitionIndex);
        writer.WriteInt32(LeaderId);
        if (version >= 7)
        {
            writer.WriteInt32(LeaderEpoch);
        }

        MessageFields.WriteInt32Array(writer, ReplicaNodes, flexible, "MetadataResponsePartition.ReplicaNodes", version);
        MessageFields.WriteInt32Array(writer, IsrNodes, flexible, "MetadataResponsePartition.IsrNodes", version);
        if (version >= 5)
        {
            MessageFields.WriteInt32Array(writer, OfflineReplicas, flexible, "MetadataResponsePartition.OfflineReplicas", version);
        }

        if (flexible)
        {
            MessageFields.WriteTaggedFields(writer, UnknownTaggedFields);
        }
    }
}
