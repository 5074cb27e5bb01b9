using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Rewriting;

/// <summary>
/// Rewrites the top-level tagged fields at the end of a streamed response (the NodeEndpoints of KIP-951 under tag 0)
/// into exactly as many bytes as the broker's, because the frame's size went out before them. Shorter addresses are
/// made up with padding: an unknown tagged field (tag <see cref="PaddingTag"/>, zeros) after the last one, which
/// readers skip (KIP-482), or, where one byte is missing, the field count written as a longer varint than it needs,
/// which readers decode as the same value (Kafka's <c>ByteUtils.readUnsignedVarint</c>, librdkafka's
/// <c>rd_slice_read_uvarint</c>). Longer addresses that do not fit leave out node endpoints from the last on: a client
/// that misses one asks for Metadata, as it does when the field is absent. Other tags and trailing bytes are kept.
/// Reused across responses of one connection; not thread-safe; allocates nothing once its entry table has grown.
/// </summary>
internal sealed class SameLengthTail
{
    /// <summary>The tag of the padding field: above every tag the Fetch and Produce schemas define, one varint byte.</summary>
    public const uint PaddingTag = 127;

    private const int StackHostLimit = 256;

    private Entry[] _entries = new Entry[8];
    private int _entryCount; // filled by the last Write; cleared by the next, so that no endpoint stays referenced long

    /// <summary>How many node endpoints the last <see cref="Write"/> left out (all of them when it replaced the tail whole).</summary>
    public int Dropped { get; private set; }

    /// <summary>How many addresses the last <see cref="Write"/> changed.</summary>
    public int Changed { get; private set; }

    /// <summary>
    /// Writes <paramref name="tail"/> (a response's top-level tagged fields and any bytes after them, to the frame's end)
    /// with every node endpoint mapped by <paramref name="mapper"/>, in exactly <c>tail.Length</c> bytes. Every address
    /// is mapped before the first byte is written, so a mapper that throws leaves <paramref name="output"/> untouched.
    /// </summary>
    /// <exception cref="KafkaProtocolException">The tagged fields are malformed.</exception>
    public void Write(in ReadOnlySequence<byte> tail, IBufferWriter<byte> output, IBrokerAddressMapper mapper, short apiKey, short apiVersion)
    {
        Array.Clear(_entries, 0, _entryCount);
        _entryCount = 0;
        Dropped = 0;
        Changed = 0;
        var reader = new KafkaReader(tail, apiKey, apiVersion);
        uint count = reader.ReadUnsignedVarInt();
        long countLength = reader.Consumed;
        long maxTag = -1;
        // Field 0: where it starts and ends, and where its array's entries end (bytes after them inside the field are kept).
        long field0Start = -1, field0End = -1, entriesStart = -1, entriesEnd = -1;
        int entries = 0;
        for (uint i = 0; i < count; i++)
        {
            long fieldStart = reader.Consumed;
            uint tag = reader.ReadUnsignedVarInt();
            uint size = reader.ReadUnsignedVarInt();
            long dataStart = reader.Consumed;
            if (size > reader.Remaining)
            {
                throw reader.Malformed($"tagged field of {size} bytes is longer than the {reader.Remaining} bytes left");
            }

            maxTag = Math.Max(maxTag, tag);
            if (tag != NodeEndpointsWalker.TopLevelTag)
            {
                reader.Skip(size, "tagged field");
                continue;
            }

            if (field0Start >= 0)
            {
                throw reader.Malformed("tagged field 0 (NodeEndpoints) appears twice");
            }

            field0Start = fieldStart;
            int length = reader.ReadArrayLength(compact: true);
            entriesStart = reader.Consumed;
            for (int e = 0; e < length; e++)
            {
                ReadEntry(ref reader, e, mapper);
            }

            entries = Math.Max(length, 0);
            entriesEnd = reader.Consumed;
            if (entriesEnd - dataStart > size)
            {
                throw reader.Malformed($"NodeEndpoints ran {entriesEnd - dataStart - size} bytes past its tagged field");
            }

            reader.Skip(size - (entriesEnd - dataStart), "tagged field");
            field0End = reader.Consumed;
        }

        long sectionEnd = reader.Consumed;
        if (Changed == 0)
        {
            output.Write(tail);
            return;
        }

        long length0 = field0End - field0Start;
        long others = sectionEnd - countLength - length0;
        long extra = field0End - entriesEnd; // bytes inside field 0 after the array
        long trailing = tail.Length - sectionEnd;

        // Every entry when they fit; else, in order, each that still fits (an address grown too long is left out, the
        // unchanged ones after it kept); with not even an empty array fitting, field 0 is left out.
        long fixedBytes = countLength + others + trailing;
        long entryBytes = 0;
        for (int e = 0; e < entries; e++)
        {
            entryBytes += _entries[e].NewLength;
        }

        int kept = entries;
        if (fixedBytes + FieldLength(VarInt.SizeOfUnsigned((uint)entries + 1) + entryBytes + extra) > tail.Length)
        {
            kept = 0;
            entryBytes = 0;
            for (int e = 0; e < entries; e++)
            {
                ref Entry entry = ref _entries[e];
                long content = VarInt.SizeOfUnsigned((uint)kept + 2) + entryBytes + entry.NewLength + extra;
                entry = entry with { Kept = fixedBytes + FieldLength(content) <= tail.Length };
                if (entry.Kept)
                {
                    kept++;
                    entryBytes += entry.NewLength;
                }
            }
        }

        long content0 = VarInt.SizeOfUnsigned((uint)kept + 1) + entryBytes + extra;
        bool keepField = fixedBytes + FieldLength(content0) <= tail.Length;
        uint fields = keepField ? count : count - 1;
        long used = (keepField ? FieldLength(content0) : 0) + others + trailing;
        if (!Padding.TryPlan(tail.Length - used, fields, maxTag, out var padding))
        {
            Dropped = entries;
            WriteReplacement(tail.Length, output);
            return;
        }

        Dropped = keepField ? entries - kept : entries;
        padding.WriteCount(output);
        var rest = tail.Slice(countLength);
        long position = countLength;
        if (field0Start > countLength)
        {
            output.Write(rest.Slice(0, field0Start - position));
        }

        if (keepField)
        {
            output.WriteUnsignedVarInt(NodeEndpointsWalker.TopLevelTag);
            output.WriteUnsignedVarInt((uint)content0);
            output.WriteUnsignedVarInt((uint)kept + 1);
            for (int e = 0; e < entries; e++)
            {
                ref readonly Entry entry = ref _entries[e];
                if (!entry.Kept)
                {
                    continue;
                }

                output.Write(tail.Slice(entry.Start, entry.HostStart - entry.Start));
                if (entry.Mapped is { } mapped)
                {
                    output.Write(mapped.Encoded(compact: true));
                }
                else
                {
                    output.Write(tail.Slice(entry.HostStart, entry.PortEnd - entry.HostStart));
                }

                output.Write(tail.Slice(entry.PortEnd, entry.End - entry.PortEnd));
            }

            output.Write(tail.Slice(entriesEnd, extra));
        }

        output.Write(tail.Slice(field0End, sectionEnd - field0End));
        padding.WriteField(output);
        output.Write(tail.Slice(sectionEnd));

        long FieldLength(long bytes) => VarInt.SizeOfUnsigned(NodeEndpointsWalker.TopLevelTag) + VarInt.SizeOfUnsigned((uint)bytes) + bytes;
    }

    /// <summary>
    /// Writes <paramref name="length"/> bytes of top-level tagged fields that carry nothing: one padding field. The tail
    /// of a response too long to hold is replaced with it as its bytes pass, its node endpoints left out.
    /// </summary>
    /// <returns>How many zeros of the padding field's data the caller writes after the bytes written here.</returns>
    public static long WriteReplacementHeader(long length, IBufferWriter<byte> output)
    {
        // One field, the padding tag, then a size of length - 2 - w in a w-byte varint.
        for (int width = 1; width <= VarInt.MaxUnsignedLength; width++)
        {
            long size = length - 2 - width;
            if (size >= 0 && size <= uint.MaxValue && VarInt.SizeOfUnsigned((uint)size) <= width)
            {
                output.WriteUnsignedVarInt(1);
                output.WriteUnsignedVarInt(PaddingTag);
                Padding.WriteVarInt(output, (uint)size, width);
                return size;
            }
        }

        throw new KafkaProtocolException($"a tail of {length} bytes cannot hold a tagged field");
    }

    /// <summary>Writes <paramref name="count"/> zero bytes: the contents of a padding field.</summary>
    internal static void WriteZeros(IBufferWriter<byte> output, long count)
    {
        while (count > 0)
        {
            var span = output.GetSpan(1);
            int n = (int)Math.Min(span.Length, count);
            span[..n].Clear();
            output.Advance(n);
            count -= n;
        }
    }

    private static void WriteReplacement(long length, IBufferWriter<byte> output) => WriteZeros(output, WriteReplacementHeader(length, output));

    private void ReadEntry(ref KafkaReader reader, int index, IBrokerAddressMapper mapper)
    {
        long start = reader.Consumed;
        int nodeId = reader.ReadInt32();
        long hostStart = reader.Consumed;
        var host = reader.ReadStringBytes(compact: true, out bool isNull);
        if (isNull)
        {
            throw reader.Malformed("broker host is null");
        }

        int port = reader.ReadInt32();
        long portEnd = reader.Consumed;
        if (port is < -1 or > 65535)
        {
            throw reader.Malformed($"broker port {port} is not a TCP port");
        }

        reader.SkipString(compact: true); // rack
        reader.SkipTaggedFields();
        BrokerEndpoint? mapped = host.IsEmpty ? null : Map(mapper, nodeId, host, port);
        if (mapped is not null)
        {
            Changed++;
        }

        if (index == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        long hostLength = mapped is null ? portEnd - hostStart : mapped.Encoded(compact: true).Length;
        _entryCount = index + 1;
        _entries[index] = new Entry(start, hostStart, portEnd, reader.Consumed, mapped, reader.Consumed - start - (portEnd - hostStart) + hostLength);
    }

    private static BrokerEndpoint? Map(IBrokerAddressMapper mapper, int nodeId, in ReadOnlySequence<byte> host, int port)
    {
        if (host.IsSingleSegment)
        {
            var mapped = mapper.Map(nodeId, host.FirstSpan, port);
            return mapped.Matches(host.FirstSpan, port) ? null : mapped;
        }

        int length = (int)host.Length;
        byte[]? rented = length > StackHostLimit ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> scratch = rented is null ? stackalloc byte[StackHostLimit] : rented;
        host.CopyTo(scratch);
        try
        {
            var mapped = mapper.Map(nodeId, scratch[..length], port);
            return mapped.Matches(scratch[..length], port) ? null : mapped;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // One node endpoint: offsets in the tail, and its address as the client gets it (null: unchanged).
    private readonly record struct Entry(long Start, long HostStart, long PortEnd, long End, BrokerEndpoint? Mapped, long NewLength, bool Kept = true);

    /// <summary>How the rewritten fields make up the bytes they lack: a padding field, or a wider field count.</summary>
    private readonly record struct Padding(uint Count, int CountWidth, uint Tag, uint Size, int SizeWidth)
    {
        /// <summary>
        /// Plans how <paramref name="room"/> bytes hold the count of <paramref name="fields"/> fields (highest tag
        /// <paramref name="maxTag"/>, -1 for none) and the padding after them.
        /// </summary>
        public static bool TryPlan(long room, uint fields, long maxTag, out Padding padding)
        {
            int countWidth = VarInt.SizeOfUnsigned(fields);
            if (room == countWidth)
            {
                padding = new Padding(fields, countWidth, 0, 0, 0);
                return true;
            }

            if (room > countWidth)
            {
                // A field: tags ascend (KIP-482), so the padding tag follows every other.
                long tag = Math.Max(PaddingTag, maxTag + 1);
                if (tag <= uint.MaxValue)
                {
                    long rest = room - VarInt.SizeOfUnsigned(fields + 1) - VarInt.SizeOfUnsigned((uint)tag);
                    for (int width = 1; width <= VarInt.MaxUnsignedLength; width++)
                    {
                        long size = rest - width;
                        if (size >= 0 && size <= uint.MaxValue && VarInt.SizeOfUnsigned((uint)size) <= width)
                        {
                            padding = new Padding(fields + 1, VarInt.SizeOfUnsigned(fields + 1), (uint)tag, (uint)size, width);
                            return true;
                        }
                    }
                }

                // Too few bytes for a field (one, mostly): the count takes them, as a longer varint of the same value.
                if (room <= VarInt.MaxUnsignedLength)
                {
                    padding = new Padding(fields, (int)room, 0, 0, 0);
                    return true;
                }
            }

            padding = default;
            return false;
        }

        public void WriteCount(IBufferWriter<byte> output) => WriteVarInt(output, Count, CountWidth);

        public void WriteField(IBufferWriter<byte> output)
        {
            if (SizeWidth == 0)
            {
                return;
            }

            output.WriteUnsignedVarInt(Tag);
            WriteVarInt(output, Size, SizeWidth);
            WriteZeros(output, Size);
        }

        /// <summary>Writes <paramref name="value"/> as an unsigned varint of exactly <paramref name="width"/> bytes (at least its minimal size).</summary>
        public static void WriteVarInt(IBufferWriter<byte> output, uint value, int width)
        {
            var span = output.GetSpan(width);
            for (int i = 0; i < width - 1; i++)
            {
                span[i] = (byte)((value & 0x7F) | 0x80);
                value >>= 7;
            }

            span[width - 1] = (byte)value;
            output.Advance(width);
        }
    }
}
