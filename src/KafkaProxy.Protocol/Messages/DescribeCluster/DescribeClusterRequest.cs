using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.DescribeCluster;

/// <summary>
/// The body of a DescribeCluster request (api key 60), versions 0-2, flexible in every version. v1 (KIP-919) asks
/// for broker or controller endpoints; v2 (KIP-1073) can ask for fenced brokers too.
/// </summary>
internal sealed class DescribeClusterRequest
{
    /// <summary>The lowest version this model reads and writes.</summary>
    public const short LowestSupportedVersion = 0;

    /// <summary>The highest version this model reads and writes.</summary>
    public const short HighestSupportedVersion = 2;

    /// <summary>Whether to include the cluster's authorized operations.</summary>
    public bool IncludeClusterAuthorizedOperations { get; set; }

    /// <summary>The endpoints asked for: 1 brokers, 2 controllers (v1+).</summary>
    public sbyte EndpointType { get; set; } = 1;

    /// <summary>Whether to include fenced brokers (v2+).</summary>
    public bool IncludeFencedBrokers { get; set; }

    /// <summary>Tagged fields this model does not know, kept verbatim.</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    /// <summary>Reads a request body of the given version.</summary>
    /// <exception cref="KafkaProtocolException">The data is malformed or the version is not supported.</exception>
    public static DescribeClusterRequest Read(ref KafkaReader reader, short version)
    {
        MessageFields.CheckReadVersion(ref reader, version, LowestSupportedVersion, HighestSupportedVersion, nameof(DescribeClusterRequest));
        var request = new DescribeClusterRequest { IncludeClusterAuthorizedOperations = reader.ReadBool() };
        if (version >= 1)
        {
            request.EndpointType = reader.ReadInt8();
        }

        if (version >= 2)
        {
            request.IncludeFencedBrokers = reader.ReadBool();
        }

        MessageFields.ReadTaggedFields(ref reader, request.UnknownTaggedFields);
        return request;
    }

    /// <summary>Writes the request body in the given version; fields the version lacks are not written.</summary>
    public void Write(IBufferWriter<byte> writer, short version)
    {
        ArgumentNullException.ThrowIfNull(writer);
        MessageFields.CheckWriteVersion(version, LowestSupportedVersion, HighestSupportedVersion, nameof(DescribeClusterRequest));
        writer.WriteBool(IncludeClusterAuthorizedOperations);
        if (version >= 1)
        {
            writer.WriteInt8(EndpointType);
        }

        if (version >= 2)
        {
            writer.WriteBool(IncludeFencedBrokers);
        }

        MessageFields.WriteTaggedFields(writer, UnknownTaggedFields);
    }
}
