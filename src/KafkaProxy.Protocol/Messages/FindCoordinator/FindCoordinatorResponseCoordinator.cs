using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.FindCoordinator;

/// <summary>The coordinator found for one key, in a batched <see cref="FindCoordinatorResponse"/> (v4+).</summary>
internal sealed class FindCoordinatorResponseCoordinator
{
    /// <summary>The coordinator key asked for.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>The node id of the coordinator.</summary>
    public int NodeId { get; set; }

    /// <summary>The coordinator's host name.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>The coordinator's port.</summary>
    public int Port { get; set; }

    /// <summary>The error code for this key, 0 for none.</summary>
    public short ErrorCode { get; set; }

    /// <summary>The error message for this key, or null.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>Tagged fields this model does not know, kept verbatim.</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    // Only in v4+, which is always flexible.
    internal static FindCoordinatorResponseCoordinator Read(ref KafkaReader reader)
    {
        var coordinator = new FindCoordinatorResponseCoordinator
        {
            Key = MessageFields.ReadString(ref reader, compact: true, "Coordinators.Key"),
            NodeId = reader.ReadInt32(),
            Host = MessageFields.ReadString(ref reader, compact: true, "Coordinators.Host"),
            Port = reader.ReadInt32(),
            ErrorCode = reader.ReadInt16(),
            ErrorMessage = reader.ReadString(compact: true),
        };
        MessageFields.ReadTaggedFields(ref reader, coordinator.UnknownTaggedFields);
        return coordinator;
    }

    internal void Write(IBufferWriter<byte> writer, short version)
    {
        MessageFields.WriteString(writer, Key, compact: true, nullable: false, "FindCoordinatorResponseCoordinator.Key", version);
        writer.WriteInt32(NodeId);
        MessageFields.WriteString(writer, Host, compact: true, nullable: false, "FindCoordinatorResponseCoordinator.Host", version);
        writer.WriteInt32(Port);
        writer.WriteInt16(ErrorCode);
        writer.WriteString(ErrorMessage, compact: true);
        MessageFields.WriteTaggedFields(writer, UnknownTaggedFields);
    }
}
