using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.FindCoordinator;

/// <summary>
/// The body of a FindCoordinator response (api key 10), versions 0-6. v0-3 carry one coordinator at the top level;
/// v4+ (KIP-699) carry one per key asked for in <see cref="Coordinators"/>. Flexible from v3.
/// </summary>
internal sealed class FindCoordinatorResponse
{
    /// <summary>The lowest version this model reads and writes.</summary>
    public const short LowestSupportedVersion = 0;

    /// <summary>The highest version this model reads and writes.</summary>
    public const short HighestSupportedVersion = 6;

    /// <summary>How long the response was throttled by quota, in milliseconds (v1+).</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The error code, 0 for none (v0-3).</summary>
    public short ErrorCode { get; set; }

    /// <summary>The error message, or null (v1-3).</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>The node id of the coordinator (v0-3).</summary>
    public int NodeId { get; set; }

    /// <summary>The coordinator's host name (v0-3).</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>The coordinator's port (v0-3).</summary>
    public int Port { get; set; }

    /// <summary>The coordinator for each key asked for (v4+).</summary>
    public IList<FindCoordinatorResponseCoordinator> Coordinators { get; set; } = new List<FindCoordinatorResponseCoordinator>();

    /// <summary>Tagged fields this model does not know, kept verbatim (v3+).</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    /// <summary>Reads a response body of the given version.</summary>
    /// <exception cref="KafkaProtocolException">The data is malformed or the version is not supported.</exception>
    public static FindCoordinatorResponse Read(ref KafkaReader reader, short version)
    {
        MessageFields.CheckReadVersion(ref reader, version, LowestSupportedVersion, HighestSupportedVersion, nameof(FindCoordinatorResponse));
        bool flexible = version >= 3;
        var response = new FindCoordinatorResponse();
        if (version >= 1)
        {
            response.ThrottleTimeMs = reader.ReadInt32();
        }

        if (version <= 3)
        {
            response.ErrorCode = reader.ReadInt16();
            if (version >= 1)
            {
                response.ErrorMessage = reader.ReadString(flexible);
            }

            response.NodeId = reader.ReadInt32();
            response.Host = MessageFields.ReadString(ref reader, flexible, "Host");
            response.Port = reader.ReadInt32();
        }
        else
        {
            int count = MessageFields.ReadArrayLength(ref reader, flexible, "Coordinators");
            response.Coordinators = new List<FindCoordinatorResponseCoordinator>(count);
            for (int i = 0; i < count; i++)
            {
                response.Coordinators.Add(FindCoordinatorResponseCoordinator.Read(ref reader));
            }
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
        MessageFields.CheckWriteVersion(version, LowestSupportedVersion, HighestSupportedVersion, nameof(FindCoordinatorResponse));
        bool flexible = version >= 3;
        if (version >= 1)
        {
            writer.WriteInt32(ThrottleTimeMs);
        }

        if (version <= 3)
        {
            writer.WriteInt16(ErrorCode);
            if (version >= 1)
            {
                writer.WriteString(ErrorMessage, flexible);
            }

            writer.WriteInt32(NodeId);
            MessageFields.WriteString(writer, Host, flexible, nullable: false, "FindCoordinatorResponse.Host", version);
            writer.WriteInt32(Port);
        }
        else
        {
            MessageFields.WriteArrayLength(writer, Coordinators?.Count, flexible, "FindCoordinatorResponse.Coordinators", version);
            foreach (var coordinator in Coordinators!)
            {
                coordinator.Write(writer, version);
            }
        }

        if (flexible)
        {
            MessageFields.WriteTaggedFields(writer, UnknownTaggedFields);
        }
    }
}
