namespace KafkaProxy.Protocol.Primitives;

/// <summary>Sizes and encodings of the protocol's variable-length integers (protobuf-style, zig-zag for signed).</summary>
internal static class VarInt
{
    /// <summary>The most bytes an unsigned varint (32-bit) takes.</summary>
    public const int MaxUnsignedLength = 5;

    /// <summary>The most bytes a varlong (64-bit) takes.</summary>
    public const int MaxLongLength = 10;

    /// <summary>How many bytes <paramref name="value"/> takes as an unsigned varint.</summary>
    public static int SizeOfUnsigned(uint value) => value < 1u << 7 ? 1 : value < 1u << 14 ? 2 : value < 1u << 21 ? 3 : value < 1u << 28 ? 4 : 5;

    /// <summary>How many bytes <paramref name="value"/> takes as an unsigned 64-bit varint.</summary>
    public static int SizeOfUnsigned(ulong value)
    {
        int size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    /// <summary>Zig-zag encodes a signed 32-bit value.</summary>
    public static uint ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    /// <summary>Zig-zag encodes a signed 64-bit value.</summary>
    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    /// <summary>Decodes a zig-zag encoded 32-bit value.</summary>
    public static int UnZigZag(uint value) => (int)(value >> 1) ^ -(int)(value & 1);

    /// <summary>Decodes a zig-zag encoded 64-bit value.</summary>
    public static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    /// <summary>Writes <paramref name="value"/> as an unsigned varint into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int WriteUnsigned(Span<byte> destination, ulong value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }
}
