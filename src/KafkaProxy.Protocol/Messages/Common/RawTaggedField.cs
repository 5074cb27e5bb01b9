namespace KafkaProxy.Protocol.Messages.Common;

/// <summary>
/// A tagged field (KIP-482) that a message model does not know, kept verbatim: its tag and the bytes of its value,
/// without the size prefix. Models read these into their <c>UnknownTaggedFields</c> list and write them back
/// unchanged, so a message passes through a decode and encode byte for byte.
/// </summary>
internal sealed class RawTaggedField
{
    /// <summary>Creates a tagged field from its tag and value bytes.</summary>
    /// <param name="tag">The field's tag.</param>
    /// <param name="data">The field's value, without the size prefix.</param>
    public RawTaggedField(uint tag, ReadOnlyMemory<byte> data)
    {
        Tag = tag;
        Data = data;
    }

    /// <summary>The field's tag.</summary>
    public uint Tag { get; }

    /// <summary>The field's value, without the size prefix.</summary>
    public ReadOnlyMemory<byte> Data { get; }
}
