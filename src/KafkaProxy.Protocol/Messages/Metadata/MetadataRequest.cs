using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.Metadata;

/// <summary>
/// The body of a Metadata request (api key 3), versions 0-13. Flexible from v9; topic ids from v10.
/// </summary>
internal sealed class MetadataRequest
{
    /// <summary>The lowest version this model reads and writes.</summary>
    public const short LowestSupportedVersion = 0;

    /// <summary>The highest version this model reads and writes.</summary>
    public const short HighestSupportedVersion = 13;

    /// <summary>
    /// The topics to describe. From v1, null asks for every topic and an empty list for none; in v0 an empty list
    /// asks for every topic (and null is written as an empty list).
    /// </summary>
    public IList<MetadataRequestTopic>? Topics { get; set; } = new List<MetadataRequestTopic>();

    /// <summary>Whether the broker may create the topics asked for (v4+; before v4 brokers always may).</summary>
    public bool AllowAutoTopicCreation { get; set; } = true;

    /// <summary>Whether to include the cluster's authorized operations (v8-10 only).</summary>
    public bool IncludeClusterAuthorizedOperations { get; set; }

    /// <summary>Whether to include each topic's authorized operations (v8+).</summary>
    public bool IncludeTopicAuthorizedOperations { get; set; }

    /// <summary>Tagged fields this model does not know, kept verbatim (v9+).</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    /// <summary>Reads a request body of the given version.</summary>
    /// <exception cref="KafkaProtocolException">The data is malformed or the version is not supported.</exception>
    public static MetadataRequest Read(ref KafkaReader reader, short version)
    {
        MessageFields.CheckReadVersion(ref reader, version, LowestSupportedVersion, HighestSupportedVersion, nameof(MetadataRequest));
        bool flexible = version >= 9;
        var request = new MetadataRequest();
        int count = reader.ReadArrayLength(flexible);
        if (count < 0)
        {
            request.Topics = version >= 1 ? null : throw reader.Malformed("non-nullable array Topics is null (v0)");
        }
        else
        {
            request.Topics = new List<MetadataRequestTopic>(count);
            for (int i = 0; i < count; i++)
            {
                request.Topics.Add(MetadataRequestTopic.Read(ref reader, version));
            }
        }

        if (version >= 4)
        {
            request.AllowAutoTopicCreation = reader.ReadBool();
        }

        if (version is >= 8 and <= 10)
        {
            request.IncludeClusterAuthorizedOperations = reader.ReadBool();
        }

        if (version >= 8)
        {
            request.IncludeTopicAuthorizedOperations = reader.ReadBool();
        }

        if (flexible)
        {
            MessageFields.ReadTaggedFields(ref reader, request.UnknownTaggedFields);
        }

        return request;
    }

    /// <summary>Writes the request body in the given version; fields the version lacks are not written.</summary>
    public void Write(IBufferWriter<byte> writer, short version)
    {
        ArgumentNullException.ThrowIfNull(writer);
        MessageFields.CheckWriteVersion(version, LowestSupportedVersion, HighestSupportedVersion, nameof(MetadataRequest));
        bool flexible = version >= 9;
        if (Topics is null)
        {
            writer.WriteArrayLength(version >= 1 ? -1 : 0, flexible);
        }
        else
        {
            writer.WriteArrayLength(Topics.Count, flexible);
            foreach (var topic in Topics)
            {
                topic.Write(writer, version);
            }
        }

        if (version >= 4)
        {
            writer.WriteBool(AllowAutoTopicCreation);
        }

        if (version is >= 8 and <= 10)
        {
            writer.WriteBool(IncludeClusterAuthorizedOperations);
        }

        if (version >= 8)
        {
            writer.WriteBool(IncludeTopicAuthorizedOperations);
        }

        if (flexible)
        {
            MessageFields.WriteTaggedFields(writer, UnknownTaggedFields);
        }
    }
}
