using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.Metadata;

/// <summary>A topic in a <see cref="MetadataResponse"/>, with its partitions.</summary>
internal sealed class MetadataResponseTopic
{
    /// <summary>The topic's error code, 0 for none.</summary>
    public short ErrorCode { get; set; }

    /// <summary>The topic name; may be null from v12 (a topic asked for by an unknown id).</summary>
    public string? Name { get; set; } = string.Empty;

    /// <summary>The topic id (v10+).</summary>
    public Guid TopicId { get; set; }

    /// <summary>Whether the topic is internal (v1+).</summary>
    public bool IsInternal { get; set; }

    /// <summary>The topic's partitions.</summary>
    public IList<MetadataResponsePartition> Partitions { get; set; } = new List<MetadataResponsePartition>();

    /// <summary>A bit field of the operations the client may perform on the topic (v8+; int.MinValue when not asked for).</summary>
    public int TopicAuthorizedOperations { get; set; } = int.MinValue;

    /// <summary>Tagged fields this model does not know, kept verbatim (v9+).</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    internal static MetadataResponseTopic Read(ref KafkaReader reader, short version)
    {
        bool flexible = version >= 9;
        var topic = new MetadataResponseTopic
        {
            ErrorCode = reader.ReadInt16(),
            Name = version >= 12 ? reader.ReadString(flexible) : MessageFields.ReadString(ref reader, flexible, "Topics.Name"),
        };
        if (version >= 10)
        {
            topic.TopicId = reader.ReadUuid();
        }

        if (version >= 1)
        {
            topic.IsInternal = reader.ReadBool();
        }

        int count = MessageFields.ReadArrayLength(ref reader, flexible, "Partitions");
        topic.Partitions = new List<MetadataResponsePartition>(count);
        for (int i = 0; i < count; i++)
        {
            topic.Partitions.Add(MetadataResponsePartition.Read(ref reader, version));
        }

        if (version >= 8)
        {
            topic.TopicAuthorizedOperations = reader.ReadInt32();
        }

        if (flexible)
        {
            MessageFields.ReadTaggedFields(ref reader, topic.UnknownTaggedFields);
        }

        return topic;
    }

    internal void Write(IBufferWriter<byte> writer, short version)
    {
        bool flexible = version >= 9;
        writer.WriteInt16(ErrorCode);
        MessageFields.WriteString(writer, Name, flexible, nullable: version >= 12, "MetadataResponseTopic.Name", version);
        if (version >= 10)
        {
            writer.WriteUuid(TopicId);
        }

        if (version >= 1)
        {
            writer.WriteBool(IsInternal);
        }

        MessageFields.WriteArrayLength(writer, Partitions?.Count, flexible, "MetadataResponseTopic.Partitions", version);
        foreach (var partition in Partitions!)
        {
            partition.Write(writer, version);
        }

        if (version >= 8)
        {
            writer.WriteInt32(TopicAuthorizedOperations);
        }

        if (flexible)
        {
            MessageFields.WriteTaggedFields(writer, UnknownTaggedFields);
        }
    }
}
