using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Flushing;

/// <summary>
/// The layout of a spool segment file. A segment starts with the 8-byte <see cref="Magic"/>, then holds records:
/// <code>
/// u32 LE  body length N (at least 1)
/// u32 LE  CRC-32C of the segment's sequence number (u64 LE, from its file name) followed by the N body bytes
/// u8      kind: 1 = message, 2 = topic
///         message: i64 LE time accepted (Unix milliseconds), then the value (N - 9 bytes)
///         topic:   the topic name in ASCII (N - 1 bytes); the messages after it, up to the next topic record, go there
/// </code>
/// and after the last record an end mark: a body length of 0 and the CRC-32C of the sequence number alone. Each write
/// puts its records where the last end mark was and a new end mark after them, so a file can be written again in place
/// (the spool reuses settled segment files: an overwrite costs the disk less than an append): what follows the end mark
/// is left from an earlier use, and its records, whose CRCs carry another sequence number, never pass for this one's.
/// Every segment names its topic before its first message, so a segment is read without the ones before it. A record
/// cut short or failing its CRC before an end mark ends what a segment holds: a crash mid-write leaves such a torn tail.
/// Version 1 segments (written before the end mark, CRCs of the body alone) are still read.
/// </summary>
internal static class SpoolFormat
{
    public const int HeaderBytes = 8;
    public const int EndMarkBytes = HeaderBytes;
    public const int MessageOverhead = HeaderBytes + 1 + sizeof(long);
    public const byte MessageKind = 1;
    public const byte TopicKind = 2;

    /// <summary>The first bytes of every segment file: "KPSPOOL" and format version 2.</summary>
    public static ReadOnlySpan<byte> Magic => "KPSPOOL\u0002"u8;

    /// <summary>The first bytes of a version 1 segment: no end mark, CRCs of the body alone.</summary>
    public static ReadOnlySpan<byte> MagicVersion1 => "KPSPOOL\u0001"u8;

    public static int MessageRecordBytes(int valueLength) => MessageOverhead + valueLength;

    public static int TopicRecordBytes(string topic) => HeaderBytes + 1 + topic.Length;

    public static void WriteMessage(IBufferWriter<byte> writer, long sequence, DateTimeOffset accepted, ReadOnlySpan<byte> value)
    {
        int size = MessageRecordBytes(value.Length);
        var span = writer.GetSpan(size)[..size];
        var body = span[HeaderBytes..];
        body[0] = MessageKind;
        BinaryPrimitives.WriteInt64LittleEndian(body[1..], accepted.ToUnixTimeMilliseconds());
        value.CopyTo(body[(1 + sizeof(long))..]);
        WriteHeader(span, sequence, body);
        writer.Advance(size);
    }

    public static void WriteTopic(IBufferWriter<byte> writer, long sequence, string topic)
    {
        int size = TopicRecordBytes(topic);
        var span = writer.GetSpan(size)[..size];
        var body = span[HeaderBytes..];
        body[0] = TopicKind;
        Encoding.ASCII.GetBytes(topic, body[1..]);
        WriteHeader(span, sequence, body);
        writer.Advance(size);
    }

    /// <summary>The end mark of segment <paramref name="sequence"/>: where its records end for now.</summary>
    public static void WriteEndMark(IBufferWriter<byte> writer, long sequence)
    {
        var span = writer.GetSpan(EndMarkBytes)[..EndMarkBytes];
        WriteHeader(span, sequence, []);
        writer.Advance(EndMarkBytes);
    }

    /// <summary>
    /// Reads the record at the start of <paramref name="data"/>, of segment <paramref name="sequence"/> (null: a version 1
    /// segment). <see cref="SpoolRead.End"/> at the segment's end mark; <see cref="SpoolRead.Incomplete"/> when
    /// <paramref name="data"/> ends inside the record (more bytes may follow, or the file ends there: a torn tail);
    /// <see cref="SpoolRead.Corrupt"/> when its length is impossible or its CRC does not match.
    /// </summary>
    public static SpoolRead TryRead(ReadOnlySpan<byte> data, long? sequence, out SpoolRecord record, out int consumed)
    {
        record = default;
        consumed = 0;
        if (data.Length < HeaderBytes)
        {
            return SpoolRead.Incomplete;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(data);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (length == 0 && sequence is { } mark && crc == Crc32C.Compute((ulong)mark, []))
        {
            return SpoolRead.End;
        }

        if (length is 0 or > int.MaxValue - HeaderBytes)
        {
            return SpoolRead.Corrupt;
        }

        if (data.Length - HeaderBytes < length)
        {
            return SpoolRead.Incomplete;
        }

        var body = data.Slice(HeaderBytes, (int)length);
        if ((sequence is { } seed ? Crc32C.Compute((ulong)seed, body) : Crc32C.Compute(body)) != crc)
        {
            return SpoolRead.Corrupt;
        }

        switch (body[0])
        {
            case MessageKind when body.Length >= 1 + sizeof(long):
                long millis = BinaryPrimitives.ReadInt64LittleEndian(body[1..]);
                if (millis < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || millis > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
                {
                    return SpoolRead.Corrupt;
                }

                record = new SpoolRecord(MessageKind, DateTimeOffset.FromUnixTimeMilliseconds(millis), null, body[(1 + sizeof(long))..].ToArray());
                break;
            case TopicKind when TopicName.IsValid(Encoding.ASCII.GetString(body[1..]), out _):
                record = new SpoolRecord(TopicKind, default, Encoding.ASCII.GetString(body[1..]), null);
                break;
            default:
                return SpoolRead.Corrupt;
        }

        consumed = HeaderBytes + (int)length;
        return SpoolRead.Complete;
    }

    /// <summary>The body length a record at the start of <paramref name="data"/> declares, or -1 with fewer than 4 bytes.</summary>
    public static long DeclaredLength(ReadOnlySpan<byte> data) =>
        data.Length < sizeof(uint) ? -1 : HeaderBytes + (long)BinaryPrimitives.ReadUInt32LittleEndian(data);

    private static void WriteHeader(Span<byte> record, long sequence, ReadOnlySpan<byte> body)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32C.Compute((ulong)sequence, body));
    }
}

/// <summary>What <see cref="SpoolFormat.TryRead"/> found.</summary>
internal enum SpoolRead
{
    Complete,

    /// <summary>The segment's end mark: nothing after it belongs to the segment.</summary>
    End,
    Incomplete,
    Corrupt,
}

/// <summary>One record of a segment: a message (<see cref="Value"/>, <see cref="Accepted"/>) or a topic switch (<see cref="Topic"/>).</summary>
internal readonly record struct SpoolRecord(byte Kind, DateTimeOffset Accepted, string? Topic, byte[]? Value);
