using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.Metadata;

/// <summary>A broker in a <see cref="MetadataResponse"/>: its node id and address.</summary>
internal sealed class MetadataResponseBroker
{
    /// <summary>The broker's node id.</summary>
    public int NodeId { get; set; }

    /// <summary>The broker's host name.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>The broker's port.</summary>
    public int Port { get; set; }

    /// <summary>The broker's rack, or null (v1+).</summary>
    public string? Rack { get; set; }

    /// <summary>Tagged fields this model does not know, kept verbatim (v9+).</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    internal static MetadataResponseBroker Read(ref KafkaReader reader, short version)
    {
        bool flexible = version >= 9;
        var broker = new MetadataResponseBroker
        {
            NodeId = reader.ReadInt32(),
            Host = MessageFields.ReadString(ref reader, flexible, "Brokers.Host"),
            Port = reader.ReadInt32(),
        };
        if (version >= 1)
        {
            broker.Rack = reader.ReadString(flexible);
        }

        if (flexible)
        {
            MessageFields.ReadTaggedFields(ref reader, broker.UnknownTaggedFields);
        }

        return broker;
    }

    internal void Write(IBufferWriter<byte> writer, short version)
    {
        bool flexible = version >= 9;
        writer.WriteInt32(NodeId);
        MessageFields.WriteString(writer, Host, flexible, nullable: false, "MetadataResponseBroker.Host", version);
        writer.WriteInt32(Port);
        if (version >= 1)
        {
            writer.WriteString(Rack, flexible);
        }

        if (flexible)
        {
            MessageFields.WriteTaggedFields(writer, UnknownTaggedFields);
        }
    }
}
