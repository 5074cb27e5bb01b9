using System.Buffers;
using System.Text;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.Common;

/// <summary>
/// Field codecs the message models share: strings and arrays that must not be null, int32 arrays, and tagged-field
/// sections that keep unknown tags verbatim. Reads throw <see cref="KafkaProtocolException"/> for bad data; writes
/// throw <see cref="InvalidOperationException"/> for a model the version cannot carry.
/// </summary>
internal static class MessageFields
{
    /// <summary>Reads a string that the schema does not allow to be null.</summary>
    public static string ReadString(ref KafkaReader reader, bool compact, string field) =>
        reader.ReadString(compact) ?? throw reader.Malformed($"non-nullable field {field} is null");

    /// <summary>Writes a string; null is written as the null marker when <paramref name="nullable"/>, and rejected otherwise.</summary>
    public static void WriteString(IBufferWriter<byte> writer, string? value, bool compact, bool nullable, string field, short version)
    {
        if (value is null && !nullable)
        {
            throw new InvalidOperationException($"{field} is null, which version {version} cannot encode; set a value.");
        }

        writer.WriteString(value, compact);
    }

    /// <summary>Reads an array length that the schema does not allow to be null.</summary>
    public static int ReadArrayLength(ref KafkaReader reader, bool compact, string field)
    {
        int count = reader.ReadArrayLength(compact);
        return count < 0 ? throw reader.Malformed($"non-nullable array {field} is null") : count;
    }

    /// <summary>Writes the length of an array that the schema does not allow to be null.</summary>
    public static void WriteArrayLength(IBufferWriter<byte> writer, int? count, bool compact, string field, short version)
    {
        if (count is null)
        {
            throw new InvalidOperationException($"{field} is null, which version {version} cannot encode; set a list (it may be empty).");
        }

        writer.WriteArrayLength(count.Value, compact);
    }

    /// <summary>Reads a non-nullable array of int32.</summary>
    public static List<int> ReadInt32Array(ref KafkaReader reader, bool compact, string field)
    {
        int count = ReadArrayLength(ref reader, compact, field);
        var values = new List<int>(count);
        for (int i = 0; i < count; i++)
        {
            values.Add(reader.ReadInt32());
        }

        return values;
    }

    /// <summary>Writes a non-nullable array of int32.</summary>
    public static void WriteInt32Array(IBufferWriter<byte> writer, IList<int>? values, bool compact, string field, short version)
    {
        WriteArrayLength(writer, values?.Count, compact, field, version);
        foreach (int value in values!)
        {
            writer.WriteInt32(value);
        }
    }

    /// <summary>Reads a non-nullable array of strings whose elements are not null either.</summary>
    public static List<string> ReadStringArray(ref KafkaReader reader, bool compact, string field)
    {
        int count = ReadArrayLength(ref reader, compact, field);
        var values = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            values.Add(ReadString(ref reader, compact, field));
        }

        return values;
    }

    /// <summary>Writes a non-nullable array of non-nullable strings.</summary>
    public static void WriteStringArray(IBufferWriter<byte> writer, IList<string>? values, bool compact, string field, short version)
    {
        WriteArrayLength(writer, values?.Count, compact, field, version);
        foreach (string value in values!)
        {
            WriteString(writer, value, compact, nullable: false, field, version);
        }
    }

    /// <summary>Reads non-nullable bytes into a copy the model owns.</summary>
    public static ReadOnlyMemory<byte> ReadBytes(ref KafkaReader reader, bool compact, string field)
    {
        int length = reader.ReadBytesLength(compact);
        if (length < 0)
        {
            throw reader.Malformed($"non-nullable field {field} is null");
        }

        return Copy(ref reader, length);
    }

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
        int count = unknown?.Count ?? 0;
        writer.WriteUnsignedVarInt((uint)count);
        for (int i = 0; i < count; i++)
        {
            WriteRawTaggedField(writer, unknown![i]);
        }
    }

    /// <summary>Writes one tagged field verbatim: tag, size, value.</summary>
    public static void WriteRawTaggedField(IBufferWriter<byte> writer, RawTaggedField field)
    {
        writer.WriteUnsignedVarInt(field.Tag);
        writer.WriteUnsignedVarInt((uint)field.Data.Length);
        writer.Write(field.Data.Span);
    }

    /// <summary>The encoded size of a tagged-field section holding only <paramref name="unknown"/>.</summary>
    public static int SizeOfTaggedFields(IList<RawTaggedField>? unknown)
    {
        int count = unknown?.Count ?? 0;
        int size = VarInt.SizeOfUnsigned((uint)count);
        for (int i = 0; i < count; i++)
        {
            var field = unknown![i];
            size += VarInt.SizeOfUnsigned(field.Tag) + VarInt.SizeOfUnsigned((uint)field.Data.Length) + field.Data.Length;
        }

        return size;
    }

    /// <summary>The encoded size of a compact string (null takes one byte).</summary>
    public static int SizeOfCompactString(string? value)
    {
        if (value is null)
        {
            return 1;
        }

        int length = Encoding.UTF8.GetByteCount(value);
        return VarInt.SizeOfUnsigned((uint)length + 1) + length;
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
}
