using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Frames;

/// <summary>
/// The protocol's framing: every request and response is a big-endian int32 size followed by that many bytes.
/// </summary>
[Experimental(ExperimentalApi.CodecApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public static class KafkaFrame
{
    /// <summary>Bytes of the size prefix.</summary>
    public const int SizePrefixLength = 4;

    /// <summary>The default largest frame accepted: 100 MiB, the brokers' own default for socket requests.</summary>
    public const int DefaultMaxFrameSize = 100 * 1024 * 1024;

    /// <summary>
    /// Reads the size prefix at the start of <paramref name="buffer"/>. Returns false when fewer than four bytes are there.
    /// A negative size, or one above <paramref name="maxFrameSize"/>, raises <see cref="KafkaProtocolException"/>
    /// before anything is buffered for it.
    /// </summary>
    public static bool TryReadSize(in ReadOnlySequence<byte> buffer, int maxFrameSize, out int size)
    {
        if (buffer.Length < SizePrefixLength)
        {
            size = 0;
            return false;
        }

        if (buffer.FirstSpan.Length >= SizePrefixLength)
        {
            size = BinaryPrimitives.ReadInt32BigEndian(buffer.FirstSpan);
        }
        else
        {
            Span<byte> prefix = stackalloc byte[SizePrefixLength];
            buffer.Slice(0, SizePrefixLength).CopyTo(prefix);
            size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        }

        if (size < 0)
        {
            throw new KafkaProtocolException($"frame size {size} is negative", offset: 0);
        }

        if (size > maxFrameSize)
        {
            throw new KafkaProtocolException($"frame size {size} is above the limit of {maxFrameSize} bytes", offset: 0);
        }

        return true;
    }

    /// <summary>
    /// Takes one whole frame off the front of <paramref name="buffer"/>, Kestrel-style: returns false when the frame is
    /// not complete yet (the caller then advances its pipe with consumed = start, examined = end and reads again).
    /// On success <paramref name="payload"/> is the frame without its size prefix and <paramref name="buffer"/> starts after it.
    /// </summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameSize, out ReadOnlySequence<byte> payload)
    {
        if (!TryReadSize(buffer, maxFrameSize, out int size) || buffer.Length - SizePrefixLength < size)
        {
            payload = default;
            return false;
        }

        payload = buffer.Slice(SizePrefixLength, size);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    /// <summary>Writes a size prefix.</summary>
    internal static void WriteSize(IBufferWriter<byte> writer, int size) => writer.WriteInt32(size);
}
