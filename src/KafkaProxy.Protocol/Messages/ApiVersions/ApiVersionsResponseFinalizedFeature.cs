using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.ApiVersions;

/// <summary>A cluster-wide finalized feature and its version levels (KIP-584), in <see cref="ApiVersionsResponse.FinalizedFeatures"/>.</summary>
internal sealed class ApiVersionsResponseFinalizedFeature
{
    /// <summary>The feature's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The highest finalized version level (on the wire before the lowest).</summary>
    public short MaxVersionLevel { get; set; }

    /// <summary>The lowest finalized version level.</summary>
    public short MinVersionLevel { get; set; }

    /// <summary>Tagged fields this model does not know, kept verbatim.</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    // Only inside a tagged field, so always flexible.
    internal static ApiVersionsResponseFinalizedFeature Read(ref KafkaReader reader)
    {
        var feature = new ApiVersionsResponseFinalizedFeature
        {
            Name = MessageFields.ReadString(ref reader, compact: true, "FinalizedFeatures.Name"),
            MaxVersionLevel = reader.ReadInt16(),
            MinVersionLevel = reader.ReadInt16(),
        };
        MessageFields.ReadTaggedFields(ref reader, feature.UnknownTaggedFields);
        return feature;
    }

    internal int Size() => MessageFields.SizeOfCompactString(Name) + 4 + MessageFields.SizeOfTaggedFields(UnknownTaggedFields);

    internal void Write(IBufferWriter<byte> writer, short version)
    {
        MessageFields.WriteString(writer, Name, compact: true, nullable: false, "FinalizedFeatures.Name", version);
        writer.WriteInt16(MaxVersionLevel);
        writer.WriteInt16(MinVersionLevel);
        MessageFields.WriteTaggedFields(writer, UnknownTaggedFields);
    }
}
