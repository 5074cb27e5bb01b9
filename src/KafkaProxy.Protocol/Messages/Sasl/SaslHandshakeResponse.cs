using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.Sasl;

/// <summary>The body of a SaslHandshake response (api key 17), versions 0-1, never flexible.</summary>
internal sealed class SaslHandshakeResponse
{
    /// <summary>The lowest version this model reads and writes.</summary>
    public const short LowestSupportedVersion = 0;

    /// <summary>The highest version this model reads and writes.</summary>
    public const short HighestSupportedVersion = 1;

    /// <summary>The error code, 0 for none (33, UNSUPPORTED_SASL_MECHANISM, when the mechanism is not enabled).</summary>
    public short ErrorCode { get; set; }

    /// <summary>The mechanisms the broker has enabled.</summary>
    public IList<string> Mechanisms { get; set; } = new List<string>();

    /// <summary>Reads a response body of the given version.</summary>
    /// <exception cref="KafkaProtocolException">The data is malformed or the version is not supported.</exception>
    public static SaslHandshakeResponse Read(ref KafkaReader reader, short version)
    {
        MessageFields.CheckReadVersion(ref reader, version, LowestSupportedVersion, HighestSupportedVersion, nameof(SaslHandshakeResponse));
        return new SaslHandshakeResponse
        {
            ErrorCode = reader.ReadInt16(),
            Mechanisms = MessageFields.ReadStringArray(ref reader, compact: false, "Mechanisms"),
        };
    }

    /// <summary>Writes the response body in the given version.</summary>
    public void Write(IBufferWriter<byte> writer, short version)
    {
        ArgumentNullException.ThrowIfNull(writer);
        MessageFields.CheckWriteVersion(version, LowestSupportedVersion, HighestSupportedVersion, nameof(SaslHandshakeResponse));
        writer.WriteInt16(ErrorCode);
        MessageFields.WriteStringArray(writer, Mechanisms, compact: false, "SaslHandshakeResponse.Mechanisms", version);
    }
}
