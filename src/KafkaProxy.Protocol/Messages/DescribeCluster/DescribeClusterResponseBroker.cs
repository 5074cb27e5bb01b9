using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.DescribeCluster;

/// <summary>A broker (or, for endpoint type 2, a controller) in a <see cref="DescribeClusterResponse"/>.</summary>
internal sealed class DescribeClusterResponseBroker
{
    /// <summary>The node id.</summary>
    public int BrokerId { get; set; }

    /// <summary>The host name.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>The port.</summary>
    public int Port { get; set; }

    /// <summary>The rack, or null.</summary>
    public string? Rack { get; set; }

    /// <summary>Whether the broker is fenced (v2+).</summary>
    public bool IsFenced { get; set; }

    /// <summary>Tagged fields this model does not know, kept verbatim.</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    internal static DescribeClusterResponseBroker Read(ref KafkaReader reader, short version)
    {
        var broker = new DescribeClusterResponseBroker
        {
            BrokerId = reader.ReadInt32(),
            Host = MessageFields.ReadString(ref reader, compact: true, "Brokers.Host"),
            Port = reader.ReadInt32(),
            Rack = reader.ReadString(compact: true),
        };
        if (version >= 2)
        {
            broker.IsFenced = reader.ReadBool();
        }

        MessageFields.ReadTaggedFields(ref reader, broker.UnknownTaggedFields);
        return broker;
    }

    internal void Write(IBufferWriter<byte> writer, short version)
    {
        writer.WriteInt32(BrokerId);
        MessageFields.WriteString(writer, Host, compact: true, nullable: false, "DescribeClusterResponseBroker.Host", version);
        writer.WriteInt32(Port);
        writer.WriteString(Rack, compact: true);
        if (version >= 2)
        {
            writer.WriteBool(IsFenced);
        }

        MessageFields.WriteTaggedFields(writer, UnknownTaggedFields);
    }
}
