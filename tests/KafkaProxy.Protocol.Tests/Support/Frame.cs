using System.Buffers;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Tests.Support;

/// <summary>Writes a message field by field, as the schemas list them; <see cref="Payload"/> is the frame without its size.</summary>
internal sealed class Frame
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public bool Compact { get; init; }

    public Frame Int8(sbyte v) { _buffer.WriteInt8(v); return this; }
    public Frame Int16(short v) { _buffer.WriteInt16(v); return this; }
    public Frame Int32(int v) { _buffer.WriteInt32(v); return this; }
    public Frame Int64(long v) { _buffer.WriteInt64(v); return this; }
    public Frame Uuid(Guid v) { _buffer.WriteUuid(v); return this; }
    public Frame Bool(bool v) { _buffer.WriteBool(v); return this; }
    public Frame String(string? v) { _buffer.WriteString(v, Compact); return this; }
    public Frame Bytes(byte[]? v)
    {
        if (v is null)
        {
            if (Compact) { _buffer.WriteUnsignedVarInt(0); } else { _buffer.WriteInt32(-1); }
        }
        else
        {
            _buffer.WriteBytes(v, Compact);
        }

        return this;
    }

    public Frame Array(int count) { _buffer.WriteArrayLength(count, Compact); return this; }
    public Frame UVarInt(uint v) { _buffer.WriteUnsignedVarInt(v); return this; }
    public Frame Raw(ReadOnlySpan<byte> bytes) { _buffer.Write(bytes); return this; }

    /// <summary>An empty tagged-field section, written only when compact.</summary>
    public Frame NoTags() { if (Compact) { _buffer.WriteUnsignedVarInt(0); } return this; }

    /// <summary>A tagged-field section with the given fields.</summary>
    public Frame Tags(params (uint Tag, byte[] Data)[] fields)
    {
        _buffer.WriteUnsignedVarInt((uint)fields.Length);
        foreach (var (tag, data) in fields)
        {
            _buffer.WriteUnsignedVarInt(tag);
            _buffer.WriteUnsignedVarInt((uint)data.Length);
            _buffer.Write(data);
        }

        return this;
    }

    public byte[] Payload => _buffer.WrittenSpan.ToArray();

    /// <summary>The whole frame, size prefix included.</summary>
    public byte[] WithSize()
    {
        var frame = new ArrayBufferWriter<byte>();
        frame.WriteInt32(_buffer.WrittenCount);
        frame.Write(_buffer.WrittenSpan);
        return frame.WrittenSpan.ToArray();
    }
}
