using System.Buffers.Binary;
using System.Text;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Rewriting;

/// <summary>
/// A host and port as a client must see them in place of a broker's real address. The host's UTF-8 bytes are
/// encoded once, here, so that rewriting a response allocates nothing.
/// </summary>
internal sealed class BrokerEndpoint : IEquatable<BrokerEndpoint>
{
    private readonly byte[] _hostUtf8;
    // The host and port as a response carries them (compact string or not), encoded on first use.
    private byte[]? _compactEncoding;
    private byte[]? _encoding;

    /// <summary>Creates an endpoint.</summary>
    /// <param name="host">The host name or IP literal clients connect to.</param>
    /// <param name="port">The TCP port, 1 to 65535.</param>
    public BrokerEndpoint(string host, int port)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        _hostUtf8 = Encoding.UTF8.GetBytes(host);
        if (_hostUtf8.Length > short.MaxValue)
        {
            throw new ArgumentException("A Kafka host name holds at most 32767 UTF-8 bytes.", nameof(host));
        }

        Host = host;
        Port = port;
    }

    /// <summary>The host.</summary>
    public string Host { get; }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>The host as UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> HostUtf8 => _hostUtf8;

    /// <summary>
    /// The host (a compact string when <paramref name="compact"/>, else an int16-prefixed one) followed by the port as
    /// an int32, as a response carries them; encoded once per form.
    /// </summary>
    public ReadOnlySpan<byte> Encoded(bool compact)
    {
        ref byte[]? cached = ref compact ? ref _compactEncoding : ref _encoding;
        if (cached is null)
        {
            int prefix = compact ? VarInt.SizeOfUnsigned((uint)_hostUtf8.Length + 1) : sizeof(short);
            var bytes = new byte[prefix + _hostUtf8.Length + sizeof(int)];
            if (compact)
            {
                VarInt.WriteUnsigned(bytes, (uint)_hostUtf8.Length + 1);
            }
            else
            {
                BinaryPrimitives.WriteInt16BigEndian(bytes, (short)_hostUtf8.Length);
            }

            _hostUtf8.CopyTo(bytes.AsSpan(prefix));
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(prefix + _hostUtf8.Length), Port);
            Volatile.Write(ref cached, bytes);
        }

        return cached;
    }

    /// <summary>True when this endpoint spells exactly <paramref name="hostUtf8"/>:<paramref name="port"/>.</summary>
    public bool Matches(ReadOnlySpan<byte> hostUtf8, int port) => port == Port && hostUtf8.SequenceEqual(_hostUtf8);

    /// <inheritdoc/>
    public bool Equals(BrokerEndpoint? other) => other is not null && other.Port == Port && other.Host == Host;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as BrokerEndpoint);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Host, Port);

    /// <summary>The endpoint as <c>host:port</c> (IPv6 literals in brackets).</summary>
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
