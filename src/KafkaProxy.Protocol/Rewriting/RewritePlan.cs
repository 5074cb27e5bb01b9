using System.Buffers;
using System.Buffers.Binary;
using KafkaProxy.Protocol.Frames;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Rewriting;

/// <summary>
/// The edits a walker finds in one response: host/port pairs to replace and tagged-field sizes to fix. Edits are
/// recorded in byte order while the walker reads, then <see cref="WriteTo"/> copies every unchanged range as-is and
/// writes only the replacements. Reused across responses of one connection; not thread-safe.
/// </summary>
internal sealed class RewritePlan
{
    private const int StackHostLimit = 256;

    private IBrokerAddressMapper _mapper;
    private Edit[] _edits = new Edit[16];
    private int _count;

    public RewritePlan(IBrokerAddressMapper mapper) => _mapper = mapper;

    /// <summary>How many bytes the edits add (or remove, when negative).</summary>
    public long Delta { get; private set; }

    /// <summary>How many host/port pairs were replaced.</summary>
    public int AddressCount { get; private set; }

    /// <summary>Forgets the edits and asks <paramref name="mapper"/> from now on.</summary>
    public void Reset(IBrokerAddressMapper mapper)
    {
        _mapper = mapper;
        Reset();
    }

    public void Reset()
    {
        Array.Clear(_edits, 0, _count);
        _count = 0;
        Delta = 0;
        AddressCount = 0;
    }

    /// <summary>Reads a host string and the int32 port after it, and records their replacement.</summary>
    public void AddHostPort(ref KafkaReader reader, int nodeId, bool compact)
    {
        long start = reader.Consumed;
        var host = reader.ReadStringBytes(compact, out bool isNull);
        if (isNull)
        {
            throw reader.Malformed("broker host is null");
        }

        int port = reader.ReadInt32();
        long end = reader.Consumed;
        if (port is < -1 or > 65535)
        {
            throw reader.Malformed($"broker port {port} is not a TCP port");
        }

        // Error placeholders (FindCoordinator's node -1 with host "") carry no address.
        if (host.IsEmpty)
        {
            return;
        }

        BrokerEndpoint? mapped;
        if (host.IsSingleSegment)
        {
            mapped = MapUnlessUnchanged(nodeId, host.FirstSpan, port);
        }
        else
        {
            int length = (int)host.Length;
            byte[]? rented = length > StackHostLimit ? ArrayPool<byte>.Shared.Rent(length) : null;
            Span<byte> scratch = rented is null ? stackalloc byte[StackHostLimit] : rented;
            host.CopyTo(scratch);
            try
            {
                mapped = MapUnlessUnchanged(nodeId, scratch[..length], port);
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }

        if (mapped is null)
        {
            return;
        }

        long newLength = (compact ? VarInt.SizeOfUnsigned((uint)mapped.HostUtf8.Length + 1) : 2) + mapped.HostUtf8.Length + 4;
        Add(new Edit(start, end, EditKind.HostPort, mapped, compact, 0));
        Delta += newLength - (end - start);
        AddressCount++;
    }

    private BrokerEndpoint? MapUnlessUnchanged(int nodeId, ReadOnlySpan<byte> host, int port)
    {
        var mapped = _mapper.Map(nodeId, host, port);
        return mapped.Matches(host, port) ? null : mapped;
    }

    /// <summary>Records a varint (a tagged field's size) whose new value is set later with <see cref="SetVarInt"/>.</summary>
    public int AddVarIntPlaceholder(long start, long end)
    {
        Add(new Edit(start, end, EditKind.UnsignedVarInt, null, false, 0));
        return _count - 1;
    }

    /// <summary>Sets the value of a placeholder and accounts for its own change in size.</summary>
    public void SetVarInt(int index, uint value)
    {
        ref Edit edit = ref _edits[index];
        edit = edit with { Value = value };
        Delta += VarInt.SizeOfUnsigned(value) - (edit.End - edit.Start);
    }

    /// <summary>Records a replacement of the int16 at <paramref name="start"/>.</summary>
    public void AddInt16(long start, short value) => Add(new Edit(start, start + 2, EditKind.Int16, null, false, (uint)(ushort)value));

    /// <summary>True when some edit was recorded.</summary>
    public bool HasEdits => _count > 0;

    /// <summary>Writes the frame (size prefix, then the payload with every edit applied) into <paramref name="output"/>.</summary>
    public void WriteTo(in ReadOnlySequence<byte> payload, IBufferWriter<byte> output)
    {
        long newSize = payload.Length + Delta;
        if (newSize > int.MaxValue)
        {
            throw new KafkaProtocolException($"rewritten frame of {newSize} bytes is too large");
        }

        KafkaFrame.WriteSize(output, (int)newSize);
        ReadOnlySequence<byte> rest = payload;
        long position = 0;
        for (int i = 0; i < _count; i++)
        {
            ref readonly Edit edit = ref _edits[i];
            output.Write(rest.Slice(0, edit.Start - position));
            rest = rest.Slice(edit.End - position);
            position = edit.End;
            WriteReplacement(edit, output);
        }

        output.Write(rest);
    }

    /// <summary>Receives one edit: the bytes from <paramref name="start"/> to <paramref name="end"/> become <paramref name="replacement"/>.</summary>
    public delegate void EditSink<TState>(TState state, long start, long end, ReadOnlySpan<byte> replacement);

    /// <summary>Hands every edit, in byte order, to <paramref name="sink"/>, with its replacement bytes (valid during the call).</summary>
    public void EmitEdits<TState>(TState state, EditSink<TState> sink)
    {
        Span<byte> scratch = stackalloc byte[VarInt.MaxUnsignedLength];
        for (int i = 0; i < _count; i++)
        {
            ref readonly Edit edit = ref _edits[i];
            switch (edit.Kind)
            {
                case EditKind.HostPort:
                    sink(state, edit.Start, edit.End, edit.Endpoint!.Encoded(edit.Compact));
                    break;
                case EditKind.UnsignedVarInt:
                    sink(state, edit.Start, edit.End, scratch[..VarInt.WriteUnsigned(scratch, edit.Value)]);
                    break;
                case EditKind.Int16:
                    BinaryPrimitives.WriteInt16BigEndian(scratch, (short)(ushort)edit.Value);
                    sink(state, edit.Start, edit.End, scratch[..2]);
                    break;
            }
        }
    }

    private static void WriteReplacement(in Edit edit, IBufferWriter<byte> output)
    {
        switch (edit.Kind)
        {
            case EditKind.HostPort:
                output.WriteString(edit.Endpoint!.HostUtf8, edit.Compact);
                output.WriteInt32(edit.Endpoint.Port);
                break;
            case EditKind.UnsignedVarInt:
                output.WriteUnsignedVarInt(edit.Value);
                break;
            case EditKind.Int16:
                output.WriteInt16((short)(ushort)edit.Value);
                break;
        }
    }

    private void Add(in Edit edit)
    {
        if (_count == _edits.Length)
        {
            Array.Resize(ref _edits, _edits.Length * 2);
        }

        _edits[_count++] = edit;
    }

    private enum EditKind : byte
    {
        HostPort,
        UnsignedVarInt,
        Int16,
    }

    private readonly record struct Edit(long Start, long End, EditKind Kind, BrokerEndpoint? Endpoint, bool Compact, uint Value);
}
