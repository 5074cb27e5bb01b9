using System.Buffers;
using System.Text;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.Common;

/// <summary>
/// Field codecs the generated message models call (see <c>Schemas/README.md</c>): strings, bytes, records and arrays
/// whose nullability depends on the version, tagged-field sections that keep unknown tags verbatim, and the sizes
/// of all of these. Reads throw <see cref="KafkaProtocolException"/> for bad data; writes throw
/// <see cref="InvalidOperationException"/> for a model the version cannot carry.
/// </summary>
internal static class MessageFields
{
    /// <summary>Reads a string that the schema does not allow to be null.</summary>
    public static string ReadString(ref KafkaReader reader, bool compact, string field) =>
        reader.ReadString(compact) ?? throw reader.Malformed($"non-nullable field {field} is null");

    /// <summary>Reads a string that may be null when <paramref name="nullable"/> (the version allows it).</summary>
    public static string? ReadNullableString(ref KafkaReader reader, bool compact, bool nullable, string field) =>
        nullable ? reader.ReadString(compact) : ReadString(ref reader, compact, field);

    /// <summary>Writes a string; null is written as the null marker when <paramref name="nullable"/>, and rejected otherwise.</summary>
    public static void WriteString(IBufferWriter<byte> writer, string? value, bool compact, bool nullable, string field, short version)
    {
        if (value is null && !nullable)
        {
            throw CannotEncodeNull(field, version, "set a value");
        }

        writer.WriteString(value, compact);
    }

    /// <summary>The encoded size of a string, null included.</summary>
    public static int SizeOfString(string? value, bool compact)
    {
        int length = value is null ? -1 : Encoding.UTF8.GetByteCount(value);
        return compact ? VarInt.SizeOfUnsigned((uint)(length + 1)) + Math.Max(length, 0) : 2 + Math.Max(length, 0);
    }

    /// <summary>Reads non-nullable bytes into a copy the model owns.</summary>
    public static ReadOnlyMemory<byte> ReadBytes(ref KafkaReader reader, bool compact, string field)
    {
        int length = reader.ReadBytesLength(compact);
        return length < 0 ? throw reader.Malformed($"non-nullable field {field} is null") : Copy(ref reader, length);
    }

    /// <summary>Reads bytes into a copy the model owns; null when <paramref name="nullable"/> and the data says null.</summary>
    public static ReadOnlyMemory<byte>? ReadNullableBytes(ref KafkaReader reader, bool compact, bool nullable, string field)
    {
        int length = reader.ReadBytesLength(compact);
        if (length < 0)
        {
            return nullable ? null : throw reader.Malformed($"non-nullable field {field} is null");
        }

        return Copy(ref reader, length);
    }

    /// <summary>Writes bytes that may be null when <paramref name="nullable"/>.</summary>
    public static void WriteNullableBytes(IBufferWriter<byte> writer, ReadOnlyMemory<byte>? value, bool compact, bool nullable, string field, short version)
    {
        if (value is { } bytes)
        {
            writer.WriteBytes(bytes.Span, compact);
        }
        else
        {
            WriteNullLength(writer, compact, nullable, field, version);
        }
    }

    /// <summary>The encoded size of a byte field of <paramref name="length"/> bytes (-1 for null).</summary>
    public static int SizeOfBytes(int length, bool compact) =>
        compact ? VarInt.SizeOfUnsigned((uint)(length + 1)) + Math.Max(length, 0) : 4 + Math.Max(length, 0);

    /// <summary>Reads a records field (record batches) that the schema does not allow to be null, without copying it.</summary>
    /// <remarks>The result is a slice of the data being read: valid only while that buffer is.</remarks>
    public static ReadOnlySequence<byte> ReadRecords(ref KafkaReader reader, bool compact, string field) =>
        ReadNullableRecords(ref reader, compact, nullable: false, field)!.Value;

    /// <summary>Reads a records field without copying it; null when <paramref name="nullable"/> and the data says null.</summary>
    /// <remarks>The result is a slice of the data being read: valid only while that buffer is.</remarks>
    public static ReadOnlySequence<byte>? ReadNullableRecords(ref KafkaReader reader, bool compact, bool nullable, string field)
    {
        int length = reader.ReadBytesLength(compact);
        if (length < 0)
        {
            return nullable ? null : throw reader.Malformed($"non-nullable field {field} is null");
        }

        var records = reader.Sequence.Slice(reader.Consumed, length);
        reader.Skip(length, field);
        return records;
    }

    /// <summary>Writes a records field: its length, then its bytes as they are.</summary>
    public static void WriteRecords(IBufferWriter<byte> writer, in ReadOnlySequence<byte> value, bool compact)
    {
        writer.WriteArrayLength(checked((int)value.Length), compact);
        writer.Write(value);
    }

    /// <summary>Writes a records field that may be null when <paramref name="nullable"/>.</summary>
    public static void WriteNullableRecords(IBufferWriter<byte> writer, ReadOnlySequence<byte>? value, bool compact, bool nullable, string field, short version)
    {
        if (value is { } records)
        {
            WriteRecords(writer, records, compact);
        }
        else
        {
            WriteNullLength(writer, compact, nullable, field, version);
        }
    }

    /// <summary>The encoded size of a records field.</summary>
    public static int SizeOfRecords(in ReadOnlySequence<byte> value, bool compact) => SizeOfBytes(checked((int)value.Length), compact);

    /// <summary>The encoded size of a records field that may be null.</summary>
    public static int SizeOfRecords(ReadOnlySequence<byte>? value, bool compact) => SizeOfBytes(value is { } records ? checked((int)records.Length) : -1, compact);

    /// <summary>Reads an array length that the schema does not allow to be null.</summary>
    public static int ReadArrayLength(ref KafkaReader reader, bool compact, string field)
    {
        int count = reader.ReadArrayLength(compact);
        return count < 0 ? throw reader.Malformed($"non-nullable array {field} is null") : count;
    }

    /// <summary>Reads an array length; -1 (null) is accepted only when <paramref name="nullable"/>.</summary>
    public static int ReadNullableArrayLength(ref KafkaReader reader, bool compact, bool nullable, string field) =>
        nullable ? reader.ReadArrayLength(compact) : ReadArrayLength(ref reader, compact, field);

    /// <summary>Writes the length of a null array when <paramref name="nullable"/>; rejects the null otherwise.</summary>
    public static void WriteNullArray(IBufferWriter<byte> writer, bool compact, bool nullable, string field, short version)
    {
        if (!nullable)
        {
            throw CannotEncodeNull(field, version, "set a list (it may be empty)");
        }

        writer.WriteArrayLength(-1, compact);
    }

    /// <summary>The encoded size of an array's length prefix (-1 for a null array).</summary>
    public static int SizeOfArrayLength(int count, bool compact) => compact ? VarInt.SizeOfUnsigned((uint)(count + 1)) : 4;

    /// <summary>Returns a struct field's value, rejecting null (a struct is always on the wire).</summary>
    public static T NotNull<T>(T? value, string field, short version)
        where T : class =>
        value ?? throw CannotEncodeNull(field, version, "set a value");

    /// <summary>Reads a tagged-field section in which no tag is known: every field goes to <paramref name="unknown"/>.</summary>
    public static void ReadTaggedFields(ref KafkaReader reader, IList<RawTaggedField> unknown)
    {
        uint count = reader.ReadUnsignedVarInt();
        for (uint i = 0; i < count; i++)
        {
            uint tag = ReadTaggedFieldHeader(ref reader, out int size);
            unknown.Add(new RawTaggedField(tag, Copy(ref reader, size)));
        }
    }

    /// <summary>Reads a tagged field's tag and size, checking that the value fits in what is left.</summary>
    public static uint ReadTaggedFieldHeader(ref KafkaReader reader, out int size)
    {
        uint tag = reader.ReadUnsignedVarInt();
        uint raw = reader.ReadUnsignedVarInt();
        if (raw > reader.Remaining)
        {
            throw reader.Malformed($"tagged field {tag} of {raw} bytes is longer than the {reader.Remaining} bytes left");
        }

        size = (int)raw;
        return tag;
    }

    /// <summary>Checks that a known tagged field's value took exactly the size its prefix gave.</summary>
    public static void EndTaggedField(ref KafkaReader reader, uint tag, long expectedEnd)
    {
        if (reader.Consumed != expectedEnd)
        {
            throw reader.Malformed($"tagged field {tag} ends {reader.Consumed - expectedEnd} bytes away from its stated size");
        }
    }

    /// <summary>Copies the next <paramref name="length"/> bytes (already checked to be present) and moves past them.</summary>
    public static ReadOnlyMemory<byte> Copy(ref KafkaReader reader, int length)
    {
        if (length == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        byte[] copy = reader.Sequence.Slice(reader.Consumed, length).ToArray();
        reader.Skip(length);
        return copy;
    }

    /// <summary>Writes a tagged-field section holding only <paramref name="unknown"/>, in list order.</summary>
    public static void WriteTaggedFields(IBufferWriter<byte> writer, IList<RawTaggedField>? unknown)
    {
        writer.WriteUnsignedVarInt((uint)(unknown?.Count ?? 0));
        WriteUnknownTaggedFieldsFrom(writer, unknown, 0);
    }

    /// <summary>Rejects an unknown field that uses a tag the model defines: its property is where that value goes.</summary>
    public static void RejectKnownTag(IList<RawTaggedField>? unknown, uint tag, string owner)
    {
        int count = unknown?.Count ?? 0;
        for (int i = 0; i < count; i++)
        {
            if (unknown![i].Tag == tag)
            {
                throw new InvalidOperationException($"UnknownTaggedFields holds tag {tag}, which {owner} defines; set its property instead.");
            }
        }
    }

    /// <summary>
    /// Writes the unknown fields from index <paramref name="next"/> on while their tags are below <paramref name="tag"/>,
    /// so that a known tag can follow in order; returns the index of the first one not written.
    /// </summary>
    public static int WriteUnknownTaggedFieldsBelow(IBufferWriter<byte> writer, IList<RawTaggedField>? unknown, int next, uint tag)
    {
        int count = unknown?.Count ?? 0;
        while (next < count && unknown![next].Tag < tag)
        {
            WriteRawTaggedField(writer, unknown[next++]);
        }

        return next;
    }

    /// <summary>Writes the unknown fields from index <paramref name="next"/> to the end.</summary>
    public static void WriteUnknownTaggedFieldsFrom(IBufferWriter<byte> writer, IList<RawTaggedField>? unknown, int next)
    {
        int count = unknown?.Count ?? 0;
        for (int i = next; i < count; i++)
        {
            WriteRawTaggedField(writer, unknown![i]);
        }
    }

    /// <summary>The encoded size of the unknown fields, without the section's count.</summary>
    public static int SizeOfRawTaggedFields(IList<RawTaggedField>? unknown)
    {
        int count = unknown?.Count ?? 0;
        int size = 0;
        for (int i = 0; i < count; i++)
        {
            var field = unknown![i];
            size += VarInt.SizeOfUnsigned(field.Tag) + VarInt.SizeOfUnsigned((uint)field.Data.Length) + field.Data.Length;
        }

        return size;
    }

    /// <summary>Rejects a version outside the range a model supports, as malformed data (the version came off the wire).</summary>
    public static void CheckReadVersion(ref KafkaReader reader, short version, short lowest, short highest, string message)
    {
        if (version < lowest || version > highest)
        {
            throw reader.Malformed($"{message} version {version} is not supported (supported: {lowest}-{highest})");
        }
    }

    /// <summary>Rejects a version outside the range a model supports.</summary>
    public static void CheckWriteVersion(short version, short lowest, short highest, string message)
    {
        if (version < lowest || version > highest)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, $"{message} supports versions {lowest}-{highest}.");
        }
    }

    private static void WriteRawTaggedField(IBufferWriter<byte> writer, RawTaggedField field)
    {
        writer.WriteUnsignedVarInt(field.Tag);
        writer.WriteUnsignedVarInt((uint)field.Data.Length);
        writer.Write(field.Data.Span);
    }

    // Bytes and records share the array's length encoding: int32 (classic) or unsigned varint length+1 (compact).
    private static void WriteNullLength(IBufferWriter<byte> writer, bool compact, bool nullable, string field, short version)
    {
        if (!nullable)
        {
            throw CannotEncodeNull(field, version, "set a value (it may be empty)");
        }

        writer.WriteArrayLength(-1, compact);
    }

    private static InvalidOperationException CannotEncodeNull(string field, short version, string fix) =>
        new($"{field} is null, which version {version} cannot encode; {fix}.");
}
