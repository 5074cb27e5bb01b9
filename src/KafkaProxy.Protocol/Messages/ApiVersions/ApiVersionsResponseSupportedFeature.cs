using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.ApiVersions;

/// <summary>A feature the broker supports and its version range (KIP-584), in <see cref="ApiVersionsResponse.SupportedFeatures"/>.</summary>
internal sealed class ApiVersionsResponseSupportedFeature
{
    /// <summary>The feature's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The lowest supported version (0 allowed from v4, KAFKA-17011).</summary>
    public short MinVersion { get; set; }

    /// <summary>The highest supported version.</summary>
    public short MaxVersion { get; set; }

    /// <summary>Tagged fields this model does not know, kept verbatim.</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    // Only inside a tagged field, so always flexible.
    internal static ApiVersionsResponseSupportedFeature Read(ref KafkaReader reader)
    {
        var feature = new ApiVersionsResponseSupportedFeature
        {
            Name = MessageFields.ReadString(ref reader, compact: true, "SupportedFeatures.Name"),
            MinVersion = reader.ReadInt16(),
            MaxVersion = reader.ReadInt16(),
        };
        MessageFields.ReadTaggedFields(ref reader, feature.UnknownTaggedFields);
        return feature;
    }

    internal int Size() => MessageFields.SizeOfCompactString(Name) + 4 + MessageFields.SizeOfTaggedFields(UnknownTaggedFields);

    internal void Write(IBufferWriter<byte> writer, short version)
    {
        MessageFields.WriteString(writer, Name, compact: true, nullable: false, "SupportedFeatures.Name", version);
        writer.WriteInt16(MinVersion);
        writer.WriteInt16(MaxVersion);
        MessageFields.WriteTaggedFields(writer, UnknownTaggedFields);
    }
}
