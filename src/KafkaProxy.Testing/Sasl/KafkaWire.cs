using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace KafkaProxy.Testing.Sasl;

/// <summary>The few pieces of the Kafka wire format the front needs, written from the protocol guide (independent of KafkaProxy.Protocol, which it helps test).</summary>
internal static class KafkaWire
{
    public const short ProduceKey = 0;
    public const short SaslHandshakeKey = 17;
    public const short ApiVersionsKey = 18;
    public const short SaslAuthenticateKey = 36;

    /// <summary>Reads one size-prefixed frame; null at a clean end of stream.</summary>
    public static async Task<byte[]?> ReadFrameAsync(Stream stream, CancellationToken cancellationToken)
    {
        var prefix = new byte[4];
        int read = 0;
        while (read < 4)
        {
            int n = await stream.ReadAsync(prefix.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return read == 0 ? null : throw new EndOfStreamException("the stream ended inside a size prefix");
            }

            read += n;
        }

        int size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (size < 0 || size > 256 * 1024 * 1024)
        {
            throw new InvalidDataException($"frame size {size}");
        }

        var payload = new byte[size];
        await stream.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
        return payload;
    }

    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame.AsSpan(4));
        return frame;
    }

    /// <summary>Where the body of a request starts: after api key, version, correlation id, client id and (flexible) tagged fields.</summary>
    public static int BodyOffset(byte[] request, bool flexibleHeader)
    {
        int offset = 8;
        short clientIdLength = BinaryPrimitives.ReadInt16BigEndian(request.AsSpan(offset));
        offset += 2 + Math.Max((short)0, clientIdLength);
        if (flexibleHeader)
        {
            offset = SkipTaggedFields(request, offset);
        }

        return offset;
    }

    /// <summary>The acks of a Produce request (0 means the broker sends no response).</summary>
    public static short ProduceAcks(byte[] request)
    {
        short version = BinaryPrimitives.ReadInt16BigEndian(request.AsSpan(2));
        bool flexible = version >= 9;
        int offset = BodyOffset(request, flexible);
        if (version >= 3)
        {
            // transactional_id: nullable string, compact from v9.
            if (flexible)
            {
                uint length = ReadUnsignedVarInt(request, ref offset);
                offset += length == 0 ? 0 : (int)length - 1;
            }
            else
            {
                offset += 2 + Math.Max((short)0, BinaryPrimitives.ReadInt16BigEndian(request.AsSpan(offset)));
            }
        }

        return BinaryPrimitives.ReadInt16BigEndian(request.AsSpan(offset));
    }

    public static int SkipTaggedFields(byte[] data, int offset)
    {
        uint count = ReadUnsignedVarInt(data, ref offset);
        for (uint i = 0; i < count; i++)
        {
            _ = ReadUnsignedVarInt(data, ref offset);
            offset += (int)ReadUnsignedVarInt(data, ref offset);
        }

        return offset;
    }

    public static uint ReadUnsignedVarInt(byte[] data, ref int offset)
    {
        uint value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            byte b = data[offset++];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("varint too long");
    }

    public static string ReadString(byte[] data, ref int offset)
    {
        short length = BinaryPrimitives.ReadInt16BigEndian(data.AsSpan(offset));
        offset += 2;
        string value = Encoding.UTF8.GetString(data, offset, Math.Max((short)0, length));
        offset += Math.Max((short)0, length);
        return value;
    }

    public static byte[] ReadBytes(byte[] data, ref int offset)
    {
        int length = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(offset));
        offset += 4;
        byte[] value = data.AsSpan(offset, Math.Max(0, length)).ToArray();
        offset += Math.Max(0, length);
        return value;
    }

    /// <summary>A growable big-endian writer for the responses the front builds itself.</summary>
    public sealed class Writer
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new();

        public Writer Int16(short value)
        {
            Span<byte> bytes = stackalloc byte[2];
            BinaryPrimitives.WriteInt16BigEndian(bytes, value);
            System.Buffers.BuffersExtensions.Write(_buffer, bytes);
            return this;
        }

        public Writer Int32(int value)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(bytes, value);
            System.Buffers.BuffersExtensions.Write(_buffer, bytes);
            return this;
        }

        public Writer Int64(long value)
        {
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(bytes, value);
            System.Buffers.BuffersExtensions.Write(_buffer, bytes);
            return this;
        }

        public Writer String(string? value)
        {
            if (value is null)
            {
                return Int16(-1);
            }

            byte[] bytes = Encoding.UTF8.GetBytes(value);
            Int16((short)bytes.Length);
            System.Buffers.BuffersExtensions.Write(_buffer, bytes);
            return this;
        }

        public Writer Bytes(ReadOnlySpan<byte> value)
        {
            Int32(value.Length);
            System.Buffers.BuffersExtensions.Write(_buffer, value);
            return this;
        }

        public Writer Raw(ReadOnlySpan<byte> value)
        {
            System.Buffers.BuffersExtensions.Write(_buffer, value);
            return this;
        }

        public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
    }

    /// <summary>Closes a socket without waiting: the front's way of refusing, as a broker's.</summary>
    public static void Close(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already gone.
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }

        socket.Dispose();
    }
}
