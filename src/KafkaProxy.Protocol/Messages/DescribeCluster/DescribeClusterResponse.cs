using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.DescribeCluster;

/// <summary>
/// The body of a DescribeCluster response (api key 60), versions 0-2, flexible in every version: the cluster id,
/// the controller and the brokers (or, for endpoint type 2, the controllers).
/// </summary>
internal sealed class DescribeClusterResponse
{
    /// <summary>The lowest version this model reads and writes.</summary>
    public const short LowestSupportedVersion = 0;

    /// <summary>The highest version this model reads and writes.</summary>
    public const short HighestSupportedVersion = 2;

    /// <summary>How long the response was throttled by quota, in milliseconds.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The top-level error code, 0 for none.</summary>
    public short ErrorCode { get; set; }

    /// <summary>The top-level error message, or null.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>The endpoint type the brokers list holds: 1 brokers, 2 controllers (v1+).</summary>
    public sbyte EndpointType { get; set; } = 1;

    /// <summary>The cluster id.</summary>
    public string ClusterId { get; set; } = string.Empty;

    /// <summary>The node id of the controller, -1 when unknown.</summary>
    public int ControllerId { get; set; } = -1;

    /// <summary>The brokers (or controllers).</summary>
    public IList<DescribeClusterResponseBroker> Brokers { get; set; } = new List<DescribeClusterResponseBroker>();

    /// <summary>A bit field of the operations the client may perform on the cluster (int.MinValue when not asked for).</summary>
    public int ClusterAuthorizedOperations { get; set; } = int.MinValue;

    /// <summary>Tagged fields this model does not know, kept verbatim.</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    /// <summary>Reads a response body of the given version.</summary>
    /// <exception cref="KafkaProtocolException">The data is malformed or the version is not supported.</exception>
    public static DescribeClusterResponse Read(ref KafkaReader reader, short version)
    {
        MessageFields.CheckReadVersion(ref reader, version, LowestSupportedVersion, HighestSupportedVersion, nameof(DescribeClusterResponse));
        var response = new DescribeClusterResponse
        {
            ThrottleTimeMs = reader.ReadInt32(),
            ErrorCode = reader.ReadInt16(),
            ErrorMessage = reader.ReadString(compact: true),
        };
        if (version >= 1)
        {
            response.EndpointType = reader.ReadInt8();
        }

        response.ClusterId = MessageFields.ReadString(ref reader, compact: true, "ClusterId");
        response.ControllerId = reader.ReadInt32();
        int count = MessageFields.ReadArrayLength(ref reader, compact: true, "Brokers");
        response.Brokers = new List<DescribeClusterResponseBroker>(count);
        for (int i = 0; i < count; i++)
        {
            response.Brokers.Add(DescribeClusterResponseBroker.Read(ref reader, version));
        }

        response.ClusterAuthorizedOperations = reader.ReadInt32();
        MessageFields.ReadTaggedFields(ref reader, response.UnknownTaggedFields);
        return response;
    }

    /// <summary>Writes the response body in the given version; fields the version lacks are not written.</summary>
    public void Write(IBufferWriter<byte> writer, short version)
    {
        ArgumentNullException.ThrowIfNull(writer);
        MessageFields.CheckWriteVersion(version, LowestSupportedVersion, HighestSupportedVersion, nameof(DescribeClusterResponse));
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        writer.WriteString(ErrorMessage, compact: true);
        if (version >= 1)
        {
            writer.WriteInt8(EndpointType);
        }

        MessageFields.WriteString(writer, ClusterId, compact: true, nullable: false, "DescribeClusterResponse.ClusterId", version);
        writer.WriteInt32(ControllerId);
        MessageFields.WriteArrayLength(writer, Brokers?.Count, compact: true, "DescribeClusterResponse.Brokers", version);
        foreach (var broker in Brokers!)
        {
            broker.Write(writer, version);
        }

        writer.WriteInt32(ClusterAuthorizedOperations);
        MessageFields.WriteTaggedFields(writer, UnknownTaggedFields);
    }
}
