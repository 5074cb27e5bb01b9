using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.Sasl;

/// <summary>
/// The body of a SaslAuthenticate response (api key 36), versions 0-2, flexible from v2: the broker's SASL token
/// and, from v1 (KIP-368), how long the session may last before the client must re-authenticate.
/// </summary>
internal sealed class SaslAuthenticateResponse
{
    /// <summary>The lowest version this model reads and writes.</summary>
    public const short LowestSupportedVersion = 0;

    /// <summary>The highest version this model reads and writes.</summary>
    public const short HighestSupportedVersion = 2;

    /// <summary>The error code, 0 for none (58, SASL_AUTHENTICATION_FAILED, when authentication failed).</summary>
    public short ErrorCode { get; set; }

    /// <summary>The error message, or null.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>The SASL token from the broker (a copy the model owns).</summary>
    public ReadOnlyMemory<byte> AuthBytes { get; set; }

    /// <summary>Milliseconds until the session expires, 0 for no limit (v1+).</summary>
    public long SessionLifetimeMs { get; set; }

    /// <summary>Tagged fields this model does not know, kept verbatim (v2+).</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    /// <summary>Reads a response body of the given version.</summary>
    /// <exception cref="KafkaProtocolException">The data is malformed or the version is not supported.</exception>
    public static SaslAuthenticateResponse Read(ref KafkaReader reader, short version)
    {
        MessageFields.CheckReadVersion(ref reader, version, LowestSupportedVersion, HighestSupportedVersion, nameof(SaslAuthenticateResponse));
        bool flexible = version >= 2;
        var response = new SaslAuthenticateResponse
        {
            ErrorCode = reader.ReadInt16(),
            ErrorMessage = reader.ReadString(flexible),
            AuthBytes = MessageFields.ReadBytes(ref reader, flexible, "AuthBytes"),
        };
        if (version >= 1)
        {
            response.SessionLifetimeMs = reader.ReadInt64();
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
        MessageFields.CheckWriteVersion(version, LowestSupportedVersion, HighestSupportedVersion, nameof(SaslAuthenticateResponse));
        bool flexible = version >= 2;
        writer.WriteInt16(ErrorCode);
        writer.WriteString(ErrorMessage, flexible);
        writer.WriteBytes(AuthBytes.Span, flexible);
        if (version >= 1)
        {
            writer.WriteInt64(SessionLifetimeMs);
        }

        if (flexible)
        {
            MessageFields.WriteTaggedFields(writer, UnknownTaggedFields);
        }
    }
}
