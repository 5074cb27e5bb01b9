using System.Buffers.Binary;
using System.Text;

namespace KafkaProxy.Core.Proxy;

/// <summary>
/// Reads the server name (SNI, RFC 6066 section 3) from the first bytes a TLS client sends, before any handshake: the
/// ClientHello (RFC 8446 section 4.1.2), possibly spread over several handshake records. Used where one listener serves
/// several virtual clusters and the name picks the cluster whose certificate then answers the handshake.
/// </summary>
internal static class TlsClientHello
{
    /// <summary>The most bytes read for a ClientHello: four full records, far beyond any real one.</summary>
    public const int MaxBytes = 4 * (RecordHeaderSize + MaxRecordPayload);

    private const int RecordHeaderSize = 5;
    private const int MaxRecordPayload = 16384 + 2048; // TLSPlaintext.length may not exceed 2^14, with room for leniency
    private const byte HandshakeRecord = 22;
    private const byte ClientHelloType = 1;
    private const ushort ServerNameExtension = 0;
    private const byte HostNameType = 0;

    /// <summary>What <see cref="TryRead"/> found.</summary>
    public enum Status
    {
        /// <summary>More bytes are needed.</summary>
        Incomplete,

        /// <summary>A whole ClientHello was read; the name is its server name, or null when it sent none.</summary>
        Complete,

        /// <summary>The bytes are not a TLS ClientHello.</summary>
        NotClientHello,
    }

    /// <summary>Reads the ClientHello from the start of <paramref name="data"/>.</summary>
    public static Status TryRead(ReadOnlySpan<byte> data, out string? serverName)
    {
        serverName = null;
        // Gather the handshake message from the payloads of handshake records, in order (they take fewer bytes than data).
        byte[]? gathered = null;
        int gatheredLength = 0;
        int offset = 0;
        while (true)
        {
            if (data.Length - offset < RecordHeaderSize)
            {
                return Status.Incomplete;
            }

            var header = data.Slice(offset, RecordHeaderSize);
            int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);
            if (header[0] != HandshakeRecord || header[1] != 3 || payloadLength == 0 || payloadLength > MaxRecordPayload)
            {
                return Status.NotClientHello;
            }

            if (data.Length - offset - RecordHeaderSize < payloadLength)
            {
                return Status.Incomplete;
            }

            var payload = data.Slice(offset + RecordHeaderSize, payloadLength);
            offset += RecordHeaderSize + payloadLength;
            gathered ??= new byte[data.Length];
            payload.CopyTo(gathered.AsSpan(gatheredLength));
            gatheredLength += payloadLength;
            if (gatheredLength < 4)
            {
                continue;
            }

            if (gathered[0] != ClientHelloType)
            {
                return Status.NotClientHello;
            }

            int bodyLength = (gathered[1] << 16) | (gathered[2] << 8) | gathered[3];
            if (bodyLength + 4 > MaxBytes)
            {
                return Status.NotClientHello;
            }

            if (gatheredLength >= bodyLength + 4)
            {
                return ReadBody(gathered.AsSpan(4, bodyLength), out serverName) ? Status.Complete : Status.NotClientHello;
            }
        }
    }

    // client_version, random, session_id, cipher_suites, compression_methods, then the extensions (absent in old clients).
    private static bool ReadBody(ReadOnlySpan<byte> body, out string? serverName)
    {
        serverName = null;
        int at = 2 + 32;
        if (!Skip(body, ref at, 1) || !Skip(body, ref at, 2) || !Skip(body, ref at, 1))
        {
            return false;
        }

        if (at == body.Length)
        {
            return true;
        }

        if (body.Length - at < 2)
        {
            return false;
        }

        int extensionsEnd = at + 2 + BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
        at += 2;
        if (extensionsEnd > body.Length)
        {
            return false;
        }

        while (extensionsEnd - at >= 4)
        {
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(body[(at + 2)..]);
            at += 4;
            if (length > extensionsEnd - at)
            {
                return false;
            }

            if (type == ServerNameExtension)
            {
                return ReadServerName(body.Slice(at, length), out serverName);
            }

            at += length;
        }

        return at == extensionsEnd;
    }

    // ServerNameList: a list of (name_type, opaque name<1..2^16-1>); the host_name entry is the one that counts.
    private static bool ReadServerName(ReadOnlySpan<byte> extension, out string? serverName)
    {
        serverName = null;
        if (extension.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(extension) != extension.Length - 2)
        {
            return false;
        }

        int at = 2;
        while (extension.Length - at >= 3)
        {
            byte type = extension[at];
            int length = BinaryPrimitives.ReadUInt16BigEndian(extension[(at + 1)..]);
            at += 3;
            if (length > extension.Length - at)
            {
                return false;
            }

            if (type == HostNameType)
            {
                var name = extension.Slice(at, length);
                if (name.Length == 0 || !Ascii.IsValid(name))
                {
                    return false;
                }

                serverName = Encoding.ASCII.GetString(name);
                return true;
            }

            at += length;
        }

        return at == extension.Length;
    }

    // Skips a vector whose length prefix takes prefixSize bytes.
    private static bool Skip(ReadOnlySpan<byte> body, ref int at, int prefixSize)
    {
        if (body.Length - at < prefixSize)
        {
            return false;
        }

        int length = prefixSize == 1 ? body[at] : BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
        at += prefixSize + length;
        return at <= body.Length;
    }
}
