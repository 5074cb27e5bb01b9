using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.ApiVersions;

/// <summary>One api key a broker supports and its version range, in an <see cref="ApiVersionsResponse"/>.</summary>
internal sealed class ApiVersionsResponseApiKey
{
    /// <summary>The api key.</summary>
    public short ApiKey { get; set; }

    /// <summary>The lowest version the broker supports.</summary>
    public short MinVersion { get; set; }

    /// <summary>The highest version the broker supports.</summary>
    public short MaxVersion { get; set; }

    /// <summary>Tagged fields this model does not know, kept verbatim (v3+).</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    internal static ApiVersionsResponseApiKey Read(ref KafkaReader reader, bool flexible)
    {
        var key = new ApiVersionsResponseApiKey
        {
            ApiKey = reader.ReadInt16(),
            MinVersion = reader.ReadInt16(),
            MaxVersion = reader.ReadInt16(),
        };
        if (flexible)
        {
            MessageFields.ReadTaggedFields(ref reader, key.UnknownTaggedFields);
        }

        return key;
    }

    internal void Write(IBufferWriter<byte> writer, bool flexible)
    {
        writer.WriteInt16(ApiKey);
        writer.WriteInt16(MinVersion);
        writer.WriteInt16(MaxVersion);
        if (flexible)
        {
            MessageFields.WriteTaggedFields(writer, UnknownTaggedFields);
        }
    }
}
