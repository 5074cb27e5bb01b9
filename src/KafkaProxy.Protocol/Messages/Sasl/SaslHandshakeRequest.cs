using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.Sasl;

/// <summary>
/// The body of a SaslHandshake request (api key 17), versions 0-1, never flexible. Both versions have the same
/// layout; after v0 the client sends raw SASL tokens, after v1 SaslAuthenticate requests.
/// </summary>
internal sealed class SaslHandshakeRequest
{
    /// <summary>The lowest version this model reads and writes.</summary>
    public const short LowestSupportedVersion = 0;

    /// <summary>The highest version this model reads and writes.</summary>
    public const short HighestSupportedVersion = 1;

    /// <summary>The SASL mechanism the client wants, for example PLAIN or SCRAM-SHA-512.</summary>
    public string Mechanism { get; set; } = string.Empty;

    /// <summary>Reads a request body of the given version.</summary>
    /// <exception cref="KafkaProtocolException">The data is malformed or the version is not supported.</exception>
    public static SaslHandshakeRequest Read(ref KafkaReader reader, short version)
    {
        MessageFields.CheckReadVersion(ref reader, version, LowestSupportedVersion, HighestSupportedVersion, nameof(SaslHandshakeRequest));
        return new SaslHandshakeRequest { Mechanism = MessageFields.ReadString(ref reader, compact: false, "Mechanism") };
    }

    /// <summary>Writes the request body in the given version.</summary>
    public void Write(IBufferWriter<byte> writer, short version)
    {
        ArgumentNullException.ThrowIfNull(writer);
        MessageFields.CheckWriteVersion(version, LowestSupportedVersion, HighestSupportedVersion, nameof(SaslHandshakeRequest));
        MessageFields.WriteString(writer, Mechanism, compact: false, nullable: false, "SaslHandshakeRequest.Mechanism", version);
    }
}
