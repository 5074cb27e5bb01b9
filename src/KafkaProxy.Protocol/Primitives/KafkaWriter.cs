using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace KafkaProxy.Protocol.Primitives;

/// <summary>
/// Writes protocol primitives into an <see cref="IBufferWriter{T}"/> (a <c>PipeWriter</c> included): big-endian
/// integers, varints, strings, bytes and tagged-field sections. Never flushes: the pipe's one writer does.
/// </summary>
internal static class KafkaWriter
{
    /// <summary>Writes an int8.</summary>
    public static void WriteInt8(this IBufferWriter<byte> writer, sbyte value)
    {
        writer.GetSpan(1)[0] = (byte)value;
        writer.Advance(1);
    }

    /// <summary>Writes a boolean as one byte, 1 or 0.</summary>
    public static void WriteBool(this IBufferWriter<byte> writer, bool value) => writer.WriteInt8(value ? (sbyte)1 : (sbyte)0);

    /// <summary>Writes a big-endian int16.</summary>
    public static void WriteInt16(this IBufferWriter<byte> writer, short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(writer.GetSpan(2), value);
        writer.Advance(2);
    }

    /// <summary>Writes a big-endian uint16.</summary>
    public static void WriteUInt16(this IBufferWriter<byte> writer, ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(writer.GetSpan(2), value);
        writer.Advance(2);
    }

    /// <summary>Writes a big-endian int32.</summary>
    public static void WriteInt32(this IBufferWriter<byte> writer, int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(writer.GetSpan(4), value);
        writer.Advance(4);
    }

    /// <summary>Writes a big-endian uint32.</summary>
    public static void WriteUInt32(this IBufferWriter<byte> writer, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(writer.GetSpan(4), value);
        writer.Advance(4);
    }

    /// <summary>Writes a big-endian int64.</summary>
    public static void WriteInt64(this IBufferWriter<byte> writer, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(writer.GetSpan(8), value);
        writer.Advance(8);
    }

    /// <summary>Writes an IEEE 754 float64, big-endian.</summary>
    public static void WriteFloat64(this IBufferWriter<byte> writer, double value) => writer.WriteInt64(BitConverter.DoubleToInt64Bits(value));

    /// <summary>Writes a UUID as 16 bytes, most significant first.</summary>
    public static void WriteUuid(this IBufferWriter<byte> writer, Guid value)
    {
        value.TryWriteBytes(writer.GetSpan(16), bigEndian: true, out _);
        writer.Advance(16);
    }

    /// <summary>Writes an unsigned varint.</summary>
    public static void WriteUnsignedVarInt(this IBufferWriter<byte> writer, uint value) =>
        writer.Advance(VarInt.WriteUnsigned(writer.GetSpan(VarInt.MaxUnsignedLength), value));

    /// <summary>Writes a zig-zag varint.</summary>
    public static void WriteVarInt(this IBufferWriter<byte> writer, int value) =>
        writer.Advance(VarInt.WriteUnsigned(writer.GetSpan(VarInt.MaxUnsignedLength), VarInt.ZigZag(value)));

    /// <summary>Writes a zig-zag varlong.</summary>
    public static void WriteVarLong(this IBufferWriter<byte> writer, long value) =>
        writer.Advance(VarInt.WriteUnsigned(writer.GetSpan(VarInt.MaxLongLength), VarInt.ZigZag(value)));

    /// <summary>Writes a string's UTF-8 bytes with its length prefix: int16 (classic) or unsigned varint length+1 (compact).</summary>
    public static void WriteString(this IBufferWriter<byte> writer, ReadOnlySpan<byte> utf8, bool compact)
    {
        writer.WriteLengthPrefix(utf8.Length, compact, isBytes: false);
        writer.Write(utf8);
    }

    /// <summary>Writes a string (UTF-8) with its length prefix; <see langword="null"/> writes the null marker.</summary>
    public static void WriteString(this IBufferWriter<byte> writer, string? value, bool compact)
    {
        if (value is null)
        {
            writer.WriteNullLength(compact, isBytes: false);
            return;
        }

        int length = Encoding.UTF8.GetByteCount(value);
        writer.WriteLengthPrefix(length, compact, isBytes: false);
        int written = Encoding.UTF8.GetBytes(value, writer.GetSpan(length));
        writer.Advance(written);
    }

    /// <summary>Writes a byte field with its length prefix: int32 (classic) or unsigned varint length+1 (compact).</summary>
    public static void WriteBytes(this IBufferWriter<byte> writer, ReadOnlySpan<byte> value, bool compact)
    {
        writer.WriteLengthPrefix(value.Length, compact, isBytes: true);
        writer.Write(value);
    }

    /// <summary>Writes an array's element count: int32 (classic) or unsigned varint count+1 (compact); -1 means a null array.</summary>
    public static void WriteArrayLength(this IBufferWriter<byte> writer, int count, bool compact)
    {
        if (compact)
        {
            writer.WriteUnsignedVarInt((uint)(count + 1));
        }
        else
        {
            writer.WriteInt32(count);
        }
    }

    /// <summary>Copies every segment of <paramref name="data"/> into the writer.</summary>
    public static void Write(this IBufferWriter<byte> writer, in ReadOnlySequence<byte> data)
    {
        if (data.IsSingleSegment)
        {
            writer.Write(data.FirstSpan);
            return;
        }

        foreach (ReadOnlyMemory<byte> segment in data)
        {
            writer.Write(segment.Span);
        }
    }

    private static void WriteLengthPrefix(this IBufferWriter<byte> writer, int length, bool compact, bool isBytes)
    {
        if (compact)
        {
            writer.WriteUnsignedVarInt((uint)length + 1);
        }
        else if (isBytes)
        {
            writer.WriteInt32(length);
        }
        else
        {
            if (length > short.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(length), length, "A classic Kafka string holds at most 32767 bytes.");
            }

            writer.WriteInt16((short)length);
        }
    }

    private static void WriteNullLength(this IBufferWriter<byte> writer, bool compact, bool isBytes)
    {
        if (compact)
        {
            writer.WriteUnsignedVarInt(0);
        }
        else if (isBytes)
        {
            writer.WriteInt32(-1);
        }
        else
        {
            writer.WriteInt16(-1);
        }
    }
}
