using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.FindCoordinator;

/// <summary>
/// The body of a FindCoordinator request (api key 10), versions 0-6. Flexible from v3; from v4 (KIP-699) it asks
/// for a batch of keys in place of one.
/// </summary>
internal sealed class FindCoordinatorRequest
{
    /// <summary>The lowest version this model reads and writes.</summary>
    public const short LowestSupportedVersion = 0;

    /// <summary>The highest version this model reads and writes.</summary>
    public const short HighestSupportedVersion = 6;

    /// <summary>The coordinator key: a group id or transactional id (v0-3).</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>The key type: 0 group, 1 transaction, 2 share group (v6+) (v1+).</summary>
    public sbyte KeyType { get; set; }

    /// <summary>The coordinator keys (v4+).</summary>
    public IList<string> CoordinatorKeys { get; set; } = new List<string>();

    /// <summary>Tagged fields this model does not know, kept verbatim (v3+).</summary>
    public IList<RawTaggedField> UnknownTaggedFields { get; set; } = new List<RawTaggedField>();

    /// <summary>Reads a request body of the given version.</summary>
    /// <exception cref="KafkaProtocolException">The data is malformed or the version is not supported.</exception>
    public static FindCoordinatorRequest Read(ref KafkaReader reader, short version)
    {
        MessageFields.CheckReadVersion(ref reader, version, LowestSupportedVersion, HighestSupportedVersion, nameof(FindCoordinatorRequest));
        bool flexible = version >= 3;
        var request = new FindCoordinatorRequest();
        if (version <= 3)
        {
            request.Key = MessageFields.ReadString(ref reader, flexible, "Key");
        }

        if (version >= 1)
        {
            request.KeyType = reader.ReadInt8();
        }

        if (version >= 4)
        {
            request.CoordinatorKeys = MessageFields.ReadStringArray(ref reader, flexible, "CoordinatorKeys");
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
        MessageFields.CheckWriteVersion(version, LowestSupportedVersion, HighestSupportedVersion, nameof(FindCoordinatorRequest));
        bool flexible = version >= 3;
        if (version <= 3)
        {
            MessageFields.WriteString(writer, Key, flexible, nullable: false, "FindCoordinatorRequest.Key", version);
        }

        if (version >= 1)
        {
            writer.WriteInt8(KeyType);
        }

        if (version >= 4)
        {
            MessageFields.WriteStringArray(writer, CoordinatorKeys, flexible, "FindCoordinatorRequest.CoordinatorKeys", version);
        }

        if (flexible)
        {
            MessageFields.WriteTaggedFields(writer, UnknownTaggedFields);
        }
    }
}
