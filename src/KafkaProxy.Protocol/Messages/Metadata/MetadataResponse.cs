using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.Metadata;

/// <summary>
/// The body of a Metadata response (api key 3), versions 0-13: the brokers, the controller and the topics with
/// their partitions. Flexible from v9; no tagged fields are defined at any level.
/// </summary>
internal sealed class MetadataResponse
{
    /// <summary>The lowest version this model reads and writes.</summary>
    public const short LowestSupportedVersion = 0;

    /// <summary>The highest version this model reads and writes.</summary>
    public const short HighestSupportedVersion = 13;

    /// <summary>How long the response was throttled by quota, in milliseconds (v3+).</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The brokers in the cluster.</summary>
    public IList<MetadataResponseBroker> Brokers { get; set; } = new List<MetadataResponseBroker>();

    /// <summary>The cluster id, or null (v2+).</summary>
    public string? ClusterId { get; set; }

    /// <summary>The node id of the controller, -1 when unknown (v1+).</summary>
    public int ControllerId { get; set; } = -1;

    /// <summary>The topics described.</summary>
    public IList<MetadataResponseTopic> Topics { get; set; } = new List<MetadataResponseTopic>();

    /// <summary>A bit field of the operations the client may perform on the cluster (v8-10 only; int.MinValue when not asked for).</summary>
    public int ClusterAuthorizedOperations { get; set; } = int.MinValue;

    /// <summary>The top-level error code, 0 for none (v13+).</summary>
    public short ErrorCode { get; set; }

    /// <summary>Tagged fields this model does not know, kept verbatim (v9+).</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    /// <summary>Reads a response body of the given version.</summary>
    /// <exception cref="KafkaProtocolException">The data is malformed or the version is not supported.</exception>
    public static MetadataResponse Read(ref KafkaReader reader, short version)
    {
        MessageFields.CheckReadVersion(ref reader, version, LowestSupportedVersion, HighestSupportedVersion, nameof(MetadataResponse));
        bool flexible = version >= 9;
        var response = new MetadataResponse();
        if (version >= 3)
        {
            response.ThrottleTimeMs = reader.ReadInt32();
        }

        int brokers = MessageFields.ReadArrayLength(ref reader, flexible, "Brokers");
        response.Brokers = new List<MetadataResponseBroker>(brokers);
        for (int i = 0; i < brokers; i++)
        {
            response.Brokers.Add(MetadataResponseBroker.Read(ref reader, version));
        }

        if (version >= 2)
        {
            response.ClusterId = reader.ReadString(flexible);
        }

        if (version >= 1)
        {
            response.ControllerId = reader.ReadInt32();
        }

        int topics = MessageFields.ReadArrayLength(ref reader, flexible, "Topics");
        response.Topics = new List<MetadataResponseTopic>(topics);
        for (int i = 0; i < topics; i++)
        {
            response.Topics.Add(MetadataResponseTopic.Read(ref reader, version));
        }

        if (version is >= 8 and <= 10)
        {
            response.ClusterAuthorizedOperations = reader.ReadInt32();
        }

        if (version >= 13)
        {
            response.ErrorCode = reader.ReadInt16();
        }

        if (flexible)
        {
            MessageFields.ReadTaggedFields(ref reader, response.UnknownTaggedFields);
        }

        return response;
    }

    /// <summary>Writes the response body in the given version; fields the version lacks are not written.</summary>
    public void Write(IBufferWriter<byte> writer, short version)
    {
        ArgumentNullException.ThrowIfNull(writer);
        MessageFields.CheckWriteVersion(version, LowestSupportedVersion, HighestSupportedVersion, nameof(MetadataResponse));
        bool flexible = version >= 9;
        if (version >= 3)
        {
            writer.WriteInt32(ThrottleTimeMs);
        }

        MessageFields.WriteArrayLength(writer, Brokers?.Count, flexible, "MetadataResponse.Brokers", version);
        foreach (var broker in Brokers!)
        {
            broker.Write(writer, version);
        }

        if (version >= 2)
        {
            writer.WriteString(ClusterId, flexible);
        }

        if (version >= 1)
        {
            writer.WriteInt32(ControllerId);
        }

        MessageFields.WriteArrayLength(writer, Topics?.Count, flexible, "MetadataResponse.Topics", version);
        foreach (var topic in Topics!)
        {
            topic.Write(writer, version);
        }

        if (version is >= 8 and <= 10)
        {
            writer.WriteInt32(ClusterAuthorizedOperations);
        }

        if (version >= 13)
        {
            writer.WriteInt16(ErrorCode);
        }

        if (flexible)
        {
            MessageFields.WriteTaggedFields(writer, UnknownTaggedFields);
        }
    }
}
