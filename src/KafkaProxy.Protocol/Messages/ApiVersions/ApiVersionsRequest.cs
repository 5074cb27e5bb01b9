using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.ApiVersions;

/// <summary>
/// The body of an ApiVersions request (api key 18), versions 0-4. The body is empty before v3; v3 (KIP-511) adds the
/// client software name and version and makes the message flexible.
/// </summary>
internal sealed class ApiVersionsRequest
{
    /// <summary>The lowest version this model reads and writes.</summary>
    public const short LowestSupportedVersion = 0;

    /// <summary>The highest version this model reads and writes.</summary>
    public const short HighestSupportedVersion = 4;

    /// <summary>The name of the client library (v3+).</summary>
    public string ClientSoftwareName { get; set; } = string.Empty;

    /// <summary>The version of the client library (v3+).</summary>
    public string ClientSoftwareVersion { get; set; } = string.Empty;

    /// <summary>Tagged fields this model does not know, kept verbatim (v3+).</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    /// <summary>Reads a request body of the given version.</summary>
    /// <exception cref="KafkaProtocolException">The data is malformed or the version is not supported.</exception>
    public static ApiVersionsRequest Read(ref KafkaReader reader, short version)
    {
        MessageFields.CheckReadVersion(ref reader, version, LowestSupportedVersion, HighestSupportedVersion, nameof(ApiVersionsRequest));
        var request = new ApiVersionsRequest();
        if (version >= 3)
        {
            request.ClientSoftwareName = MessageFields.ReadString(ref reader, compact: true, "ClientSoftwareName");
            request.ClientSoftwareVersion = MessageFields.ReadString(ref reader, compact: true, "ClientSoftwareVersion");
            MessageFields.ReadTaggedFields(ref reader, request.UnknownTaggedFields);
        }

        return request;
    }

    /// <summary>Writes the request body in the given version; fields the version lacks are not written.</summary>
    public void Write(IBufferWriter<byte> writer, short version)
    {
        ArgumentNullException.ThrowIfNull(writer);
        MessageFields.CheckWriteVersion(version, LowestSupportedVersion, HighestSupportedVersion, nameof(ApiVersionsRequest));
        if (version >= 3)
        {
            MessageFields.WriteString(writer, ClientSoftwareName, compact: true, nullable: false, "ClientSoftwareName", version);
            MessageFields.WriteString(writer, ClientSoftwareVersion, compact: true, nullable: false, "ClientSoftwareVersion", version);
            MessageFields.WriteTaggedFields(writer, UnknownTaggedFields);
        }
    }
}
