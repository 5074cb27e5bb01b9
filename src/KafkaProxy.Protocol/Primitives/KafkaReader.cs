using System.Buffers;
using System.Text;

namespace KafkaProxy.Protocol.Primitives;

/// <summary>
/// Reads protocol primitives from a <see cref="ReadOnlySequence{T}"/> of any shape (one segment or many).
/// Every read checks what remains first: a length that runs past the end, a negative length where none is
/// allowed, or an overlong varint raises <see cref="KafkaProtocolException"/> before anything is allocated.
/// </summary>
/// <remarks>Slices returned by <see cref="ReadBytes"/> and <see cref="ReadStringBytes"/> point into the
/// caller's buffer and are valid only while that buffer is (for a pipe, until <c>AdvanceTo</c>).</remarks>
internal ref struct KafkaReader
{
    private SequenceReader<byte> _reader;
    private readonly short _apiKey;
    private readonly short _apiVersion;

    /// <summary>Reads <paramref name="data"/>; <paramref name="apiKey"/> and <paramref name="apiVersion"/> only label errors.</summary>
    public KafkaReader(in ReadOnlySequence<byte> data, short apiKey = -1, short apiVersion = -1)
    {
        _reader = new SequenceReader<byte>(data);
        _apiKey = apiKey;
        _apiVersion = apiVersion;
    }

    /// <summary>Bytes read so far: the offset of the next read from the start of the data.</summary>
    public readonly long Consumed => _reader.Consumed;

    /// <summary>Bytes left.</summary>
    public readonly long Remaining => _reader.Remaining;

    /// <summary>True when every byte was read.</summary>
    public readonly bool End => _reader.End;

    /// <summary>The data being read.</summary>
    public readonly ReadOnlySequence<byte> Sequence => _reader.Sequence;

    /// <summary>Reads an int8.</summary>
    public sbyte ReadInt8()
    {
        if (!_reader.TryRead(out byte value))
        {
            throw Truncated("int8");
        }

        return (sbyte)value;
    }

    /// <summary>Reads a boolean (one byte; any non-zero value is true).</summary>
    public bool ReadBool() => ReadInt8() != 0;

    /// <summary>Reads a big-endian int16.</summary>
    public short ReadInt16() => _reader.TryReadBigEndian(out short value) ? value : throw Truncated("int16");

    /// <summary>Reads a big-endian uint16.</summary>
    public ushort ReadUInt16() => (ushort)ReadInt16();

    /// <summary>Reads a big-endian int32.</summary>
    public int ReadInt32() => _reader.TryReadBigEndian(out int value) ? value : throw Truncated("int32");

    /// <summary>Reads a big-endian uint32.</summary>
    public uint ReadUInt32() => (uint)ReadInt32();

    /// <summary>Reads a big-endian int64.</summary>
    public long ReadInt64() => _reader.TryReadBigEndian(out long value) ? value : throw Truncated("int64");

    /// <summary>Reads an IEEE 754 float64.</summary>
    public double ReadFloat64() => BitConverter.Int64BitsToDouble(ReadInt64());

    /// <summary>Reads a 16-byte UUID, most significant byte first.</summary>
    public Guid ReadUuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!_reader.TryCopyTo(bytes))
        {
            throw Truncated("uuid");
        }

        _reader.Advance(16);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Reads an unsigned varint of at most 5 bytes.</summary>
    public uint ReadUnsignedVarInt()
    {
        ulong value = ReadVarULong(VarInt.MaxUnsignedLength, "unsigned varint");
        return value <= uint.MaxValue ? (uint)value : throw Malformed("unsigned varint overflows 32 bits");
    }

    /// <summary>Reads a zig-zag varint.</summary>
    public int ReadVarInt() => VarInt.UnZigZag(ReadUnsignedVarInt());

    /// <summary>Reads a zig-zag varlong.</summary>
    public long ReadVarLong() => VarInt.UnZigZag(ReadVarULong(VarInt.MaxLongLength, "varlong"));

    /// <summary>Reads a string length: int16 (classic) or unsigned varint minus one (compact); -1 is null.</summary>
    public int ReadStringLength(bool compact)
    {
        int length = compact ? CompactLength("string") : ReadInt16();
        if (length < -1)
        {
            throw Malformed($"string length {length} is negative");
        }

        return CheckAvailable(length, "string");
    }

    /// <summary>Reads a string as a slice of the data (no copy); null strings read as an empty slice with <paramref name="isNull"/> set.</summary>
    public ReadOnlySequence<byte> ReadStringBytes(bool compact, out bool isNull)
    {
        int length = ReadStringLength(compact);
        isNull = length < 0;
        return isNull ? ReadOnlySequence<byte>.Empty : Slice(length);
    }

    /// <summary>Reads a string into a managed <see cref="string"/> (allocates; for non-hot paths).</summary>
    public string? ReadString(bool compact)
    {
        var bytes = ReadStringBytes(compact, out bool isNull);
        return isNull ? null : Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Skips a string, null or not.</summary>
    public void SkipString(bool compact)
    {
        int length = ReadStringLength(compact);
        if (length > 0)
        {
            _reader.Advance(length);
        }
    }

    /// <summary>Reads a byte field's length: int32 (classic) or unsigned varint minus one (compact); -1 is null.</summary>
    public int ReadBytesLength(bool compact)
    {
        int length = compact ? CompactLength("bytes") : ReadInt32();
        if (length < -1)
        {
            throw Malformed($"bytes length {length} is negative");
        }

        return CheckAvailable(length, "bytes");
    }

    /// <summary>Reads a byte field as a slice of the data (no copy); null reads as empty.</summary>
    public ReadOnlySequence<byte> ReadBytes(bool compact)
    {
        int length = ReadBytesLength(compact);
        return length <= 0 ? ReadOnlySequence<byte>.Empty : Slice(length);
    }

    /// <summary>Skips a byte field (records included) by its length, without reading its content.</summary>
    public void SkipBytes(bool compact)
    {
        int length = ReadBytesLength(compact);
        if (length > 0)
        {
            _reader.Advance(length);
        }
    }

    /// <summary>
    /// Reads an array's element count: int32 (classic) or unsigned varint minus one (compact); -1 is a null array.
    /// A count larger than the bytes left (every element takes at least one byte) is rejected.
    /// </summary>
    public int ReadArrayLength(bool compact)
    {
        int count = compact ? CompactLength("array") : ReadInt32();
        if (count < -1)
        {
            throw Malformed($"array length {count} is negative");
        }

        return count > _reader.Remaining ? throw Malformed($"array of {count} elements is longer than the {_reader.Remaining} bytes left") : count;
    }

    /// <summary>Skips an array of fixed-size elements (for example int32 node ids).</summary>
    public void SkipArray(bool compact, int elementSize)
    {
        int count = ReadArrayLength(compact);
        if (count > 0)
        {
            Skip((long)count * elementSize, "array");
        }
    }

    /// <summary>Skips a tagged-field section (KIP-482): a count, then tag, size and data per field.</summary>
    public void SkipTaggedFields()
    {
        uint count = ReadUnsignedVarInt();
        for (uint i = 0; i < count; i++)
        {
            ReadUnsignedVarInt();
            Skip(ReadUnsignedVarInt(), "tagged field");
        }
    }

    /// <summary>Skips <paramref name="count"/> bytes.</summary>
    public void Skip(long count, string what = "field")
    {
        if (count < 0 || count > _reader.Remaining)
        {
            throw Truncated(what);
        }

        _reader.Advance(count);
    }

    /// <summary>Creates the exception for malformed data at the current offset.</summary>
    public readonly KafkaProtocolException Malformed(string reason) => new(reason, _apiKey, _apiVersion, _reader.Consumed);

    private KafkaProtocolException Truncated(string what) =>
        Malformed($"{what} runs past the end of the data ({_reader.Remaining} bytes left)");

    private ReadOnlySequence<byte> Slice(int length)
    {
        var slice = _reader.UnreadSequence.Slice(0, length);
        _reader.Advance(length);
        return slice;
    }

    private int CompactLength(string what)
    {
        uint raw = ReadUnsignedVarInt();
        return raw > int.MaxValue ? throw Malformed($"compact {what} length {raw} is too large") : (int)raw - 1;
    }

    private int CheckAvailable(int length, string what) =>
        length > _reader.Remaining ? throw Malformed($"{what} of {length} bytes is longer than the {_reader.Remaining} bytes left") : length;

    private ulong ReadVarULong(int maxBytes, string what)
    {
        ulong value = 0;
        for (int i = 0; i < maxBytes; i++)
        {
            if (!_reader.TryRead(out byte b))
            {
                throw Truncated(what);
            }

            value |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw Malformed($"{what} is longer than {maxBytes} bytes");
    }
}
