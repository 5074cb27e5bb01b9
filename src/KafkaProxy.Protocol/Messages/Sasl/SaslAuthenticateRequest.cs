using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.Sasl;

/// <summary>
/// The body of a SaslAuthenticate request (api key 36), versions 0-2, flexible from v2: one SASL token from the
/// client. The token may hold credentials; never log it.
/// </summary>
internal sealed class SaslAuthenticateRequest
{
    /// <summary>The lowest version this model reads and writes.</summary>
    public const short LowestSupportedVersion = 0;

    /// <summary>The highest version this model reads and writes.</summary>
    public const short HighestSupportedVersion = 2;

    /// <summary>The SASL token, as the mechanism defines it (a copy the model owns).</summary>
    public ReadOnlyMemory<byte> AuthBytes { get; set; }

    /// <summary>Tagged fields this model does not know, kept verbatim (v2+).</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    /// <summary>Reads a request body of the given version.</summary>
    /// <exception cref="KafkaProtocolException">The data is malformed or the version is not supported.</exception>
    public static SaslAuthenticateRequest Read(ref KafkaReader reader, short version)
    {
        MessageFields.CheckReadVersion(ref reader, version, LowestSupportedVersion, HighestSupportedVersion, nameof(SaslAuthenticateRequest));
        bool flexible = version >= 2;
        var request = new SaslAuthenticateRequest { AuthBytes = MessageFields.ReadBytes(ref reader, flexible, "AuthBytes") };
        if (flexible)
        {
            MessageFields.ReadTaggedFields(ref reader, request.UnknownTaggedFields);
        }

        return request;
    }

    /// <summary>Writes the request body in the given version.</summary>
    public void Write(IBufferWriter<byte> writer, short version)
    {
        ArgumentNullException.ThrowIfNull(writer);
        MessageFields.CheckWriteVersion(version, LowestSupportedVersion, HighestSupportedVersion, nameof(SaslAuthenticateRequest));
        bool flexible = version >= 2;
        writer.WriteBytes(AuthBytes.Span, flexible);
        if (flexible)
        {
            MessageFields.WriteTaggedFields(writer, UnknownTaggedFields);
        }
    }
}
