using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

namespace KafkaProxy.Protocol.Primitives;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of record batches (magic 2): over the bytes from the attributes to the end of
/// the batch. Uses the processor's CRC instruction where there is one (<see cref="BitOperations.Crc32C(uint, ulong)"/>).
/// </summary>
internal static class Crc32C
{
    /// <summary>The CRC-32C of <paramref name="data"/>, however many segments it has.</summary>
    public static uint Compute(in ReadOnlySequence<byte> data)
    {
        uint crc = uint.MaxValue;
        foreach (ReadOnlyMemory<byte> segment in data)
        {
            crc = Update(crc, segment.Span);
        }

        return ~crc;
    }

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(uint.MaxValue, data);

    /// <summary>The CRC-32C of the eight little-endian bytes of <paramref name="prefix"/> followed by <paramref name="data"/>.</summary>
    public static uint Compute(ulong prefix, ReadOnlySpan<byte> data) => ~Update(BitOperations.Crc32C(uint.MaxValue, prefix), data);

    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        // Eight bytes at a time: a little-endian load keeps the bytes in the order the checksum takes them.
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
