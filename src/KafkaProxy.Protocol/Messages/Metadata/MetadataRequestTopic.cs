using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.Metadata;

/// <summary>A topic asked for in a <see cref="MetadataRequest"/>, by name or (v10+) by id.</summary>
internal sealed class MetadataRequestTopic
{
    /// <summary>The topic id (v10+; on the wire before the name). Brokers honour it from v12.</summary>
    public Guid TopicId { get; set; }

    /// <summary>The topic name; null (v10+) when the topic is asked for by id.</summary>
    public string? Name { get; set; } = string.Empty;

    /// <summary>Tagged fields this model does not know, kept verbatim (v9+).</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    internal static MetadataRequestTopic Read(ref KafkaReader reader, short version)
    {
        bool flexible = version >= 9;
        var topic = new MetadataRequestTopic();
        if (version >= 10)
        {
            topic.TopicId = reader.ReadUuid();
            topic.Name = reader.ReadString(flexible);
        }
        else
        {
            topic.Name = MessageFields.ReadString(ref reader, flexible, "Topics.Name");
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
        if (version >= 10)
        {
            writer.WriteUuid(TopicId);
        }

        MessageFields.WriteString(writer, Name, flexible, nullable: version >= 10, "MetadataRequestTopic.Name", version);
        if (flexible)
        {
            MessageFields.WriteTaggedFields(writer, UnknownTaggedFields);
        }
    }
}
