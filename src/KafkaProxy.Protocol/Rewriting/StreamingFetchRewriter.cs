using System.Buffers;
using KafkaProxy.Protocol.Frames;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.Fetch;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Rewriting;

/// <summary>
/// Rewrites the broker addresses of a Fetch response (v16 on: NodeEndpoints, KIP-951, top-level tag 0 at the very end)
/// while its bytes arrive, instead of holding the frame whole: what comes before the top-level tagged fields is walked
/// and forwarded as it arrives (records skipped by their length, never read), and only those tagged fields (the
/// tail) are held until they are whole, then rewritten by <see cref="SameLengthTail"/> into exactly as many bytes,
/// since the frame's size went out first. A tail longer than <see cref="MaxHeldTail"/> is not held: it is replaced as
/// it passes by a padding field of its length, its node endpoints left out (clients fall back to Metadata). Apart from
/// the tail, what the walker holds back is at most one unfinished small field group (a partition's fixed fields).
/// One instance per connection, one response at a time; state is kept between calls; not thread-safe.
/// </summary>
internal sealed class StreamingFetchRewriter
{
    /// <summary>The longest tail held to be rewritten: NodeEndpoints take about 30 bytes per broker plus its host.</summary>
    public const int MaxHeldTail = 64 * 1024;

    private readonly SameLengthTail _tail = new();
    private State _state = State.Done;
    private State _afterSkip;
    private Section _section; // whose tagged fields the Tag* states walk
    private short _version;
    private long _position;   // bytes of the frame forwarded so far, size prefix included
    private long _frameEnd;   // the frame's length, size prefix included
    private long _skip;       // bytes left of records or of a tagged field's data
    private int _topicsLeft;
    private int _partitionsLeft;
    private int _abortedLeft;
    private uint _tagsLeft;
    private long _replacedHeader; // bytes of a replaced tail that the replacement's header, written already, stands for

    /// <summary>True when responses to (<paramref name="apiKey"/>, <paramref name="apiVersion"/>) can be streamed.</summary>
    public static bool CanStream(short apiKey, short apiVersion) =>
        apiKey == (short)ApiKey.Fetch && apiVersion is >= FetchResponseWalker.FirstVersionWithEndpoints and <= FetchResponseWalker.MaxVersion;

    /// <summary>True between <see cref="Start"/> and the call that writes the frame's last byte.</summary>
    public bool InProgress => _state != State.Done;

    /// <summary>The most bytes of the current (or last) response held back at the end of an <see cref="Advance"/>.</summary>
    public long MostHeld { get; private set; }

    /// <summary>How many node endpoints the last response lost because their rewritten addresses did not fit.</summary>
    public int Dropped { get; private set; }

    /// <summary>True when the last response's tail was too long to hold and was replaced by padding.</summary>
    public bool TailReplaced { get; private set; }

    /// <summary>How many addresses the last response's rewrite changed.</summary>
    public int Changed => _tail.Changed;

    /// <summary>
    /// The bytes the walker passes over next without reading them (the rest of a record set, or of a tagged field's
    /// data) once it has used up what it was given; 0 when it needs to read the next bytes. They may reach the client
    /// some other way (moved inside the kernel), then <see cref="PassedOver"/> says how many did.
    /// </summary>
    public long PassOverNext => _state == State.Skip ? _skip : 0;

    /// <summary>Counts <paramref name="count"/> bytes of <see cref="PassOverNext"/> as forwarded by the caller.</summary>
    public void PassedOver(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, PassOverNext);
        _skip -= count;
        _position += count;
        if (_skip == 0 && _state == State.Skip)
        {
            _state = _afterSkip;
        }
    }

    /// <summary>Begins a response frame of <paramref name="size"/> bytes after its size prefix, which is the next byte given.</summary>
    public void Start(short apiVersion, int size)
    {
        _version = apiVersion;
        _position = 0;
        _frameEnd = KafkaFrame.SizePrefixLength + (long)size;
        _state = State.Prefix;
        _skip = 0;
        MostHeld = 0;
        Dropped = 0;
        TailReplaced = false;
    }

    /// <summary>
    /// Forwards to <paramref name="output"/> what <paramref name="buffer"/> holds of the frame, as far as it can be walked,
    /// and slices it off <paramref name="buffer"/>; returns true once the frame's last byte is written. The bytes left
    /// at the front of <paramref name="buffer"/> when it returns false are the ones it holds back (the caller keeps them
    /// in its pipe). The tail's addresses are mapped by <paramref name="mapper"/> before any of it is written: when the
    /// mapper throws, <paramref name="buffer"/> starts at the tail, and a later call with the same bytes tries again.
    /// </summary>
    /// <exception cref="KafkaProtocolException">The response is malformed.</exception>
    public bool Advance(ref ReadOnlySequence<byte> buffer, IBufferWriter<byte> output, IBrokerAddressMapper mapper)
    {
        var frame = buffer.Slice(0, Math.Min(buffer.Length, _frameEnd - _position));
        var reader = new SequenceReader<byte>(frame);
        Walk(ref reader);
        Forward(ref buffer, output, reader.Consumed);
        bool complete = false;
        if (_state == State.Tail)
        {
            complete = WriteTail(ref buffer, output, mapper);
        }

        if (!complete && _state == State.ReplaceTail)
        {
            complete = ReplaceTail(ref buffer, output);
        }

        if (complete)
        {
            _state = State.Done;
            return true;
        }

        long held = Math.Min(buffer.Length, _frameEnd - _position);
        if (_position + held == _frameEnd && _state is not (State.Tail or State.ReplaceTail))
        {
            throw new KafkaProtocolException("the response ends inside a field", (short)ApiKey.Fetch, _version, _position + held);
        }

        MostHeld = Math.Max(MostHeld, held);
        return false;
    }

    private void Forward(ref ReadOnlySequence<byte> buffer, IBufferWriter<byte> output, long count)
    {
        if (count == 0)
        {
            return;
        }

        IPassThroughWriter.Forward(output, buffer.Slice(0, count)); // the records go out by reference where the writer can
        buffer = buffer.Slice(count);
        _position += count;
    }

    // Walks as far as the bytes go, up to the tail.
    private void Walk(ref SequenceReader<byte> reader)
    {
        while (true)
        {
            long mark = reader.Consumed;
            switch (_state)
            {
                case State.Prefix:
                    if (!Take(ref reader, KafkaFrame.SizePrefixLength + 4))
                    {
                        return; // size, correlation_id
                    }

                    BeginTags(Section.Header);
                    break;
                case State.Body:
                    // throttle_time_ms, error_code, session_id, topics
                    if (!Take(ref reader, 4 + 2 + 4) || !TryArrayLength(ref reader, out _topicsLeft))
                    {
                        Rewind(ref reader, mark);
                        return;
                    }

                    _state = State.Topic;
                    break;
                case State.Topic:
                    if (_topicsLeft == 0)
                    {
                        _state = State.Tail;
                        return;
                    }

                    // topic_id, partitions
                    if (!Take(ref reader, 16) || !TryArrayLength(ref reader, out _partitionsLeft))
                    {
                        Rewind(ref reader, mark);
                        return;
                    }

                    _topicsLeft--;
                    _state = State.Partition;
                    break;
                case State.Partition:
                    if (_partitionsLeft == 0)
                    {
                        BeginTags(Section.Topic);
                        break;
                    }

                    // partition_index, error_code, high_watermark, last_stable_offset, log_start_offset, aborted_transactions
                    if (!Take(ref reader, 4 + 2 + 8 + 8 + 8) || !TryArrayLength(ref reader, out _abortedLeft))
                    {
                        Rewind(ref reader, mark);
                        return;
                    }

                    _partitionsLeft--;
                    _state = State.Aborted;
                    break;
                case State.Aborted:
                    if (_abortedLeft == 0)
                    {
                        _state = State.Records;
                        break;
                    }

                    if (!Take(ref reader, 8 + 8))
                    {
                        Rewind(ref reader, mark);
                        return; // producer_id, first_offset
                    }

                    _abortedLeft--;
                    BeginTags(Section.Aborted);
                    break;
                case State.Records:
                    // preferred_read_replica, records (compact bytes: length + 1, 0 for null)
                    if (!Take(ref reader, 4) || !TryVarInt(ref reader, out uint records))
                    {
                        Rewind(ref reader, mark);
                        return;
                    }

                    BeginSkip(ref reader, records == 0 ? 0 : records - 1, State.PartitionTags);
                    break;
                case State.PartitionTags:
                    BeginTags(Section.Partition);
                    break;
                case State.TagCount:
                    if (!TryVarInt(ref reader, out _tagsLeft))
                    {
                        return;
                    }

                    _state = State.Tag;
                    break;
                case State.Tag:
                    if (_tagsLeft == 0)
                    {
                        EndTags();
                        break;
                    }

                    if (!TryVarInt(ref reader, out _) || !TryVarInt(ref reader, out uint size))
                    {
                        Rewind(ref reader, mark);
                        return;
                    }

                    _tagsLeft--;
                    BeginSkip(ref reader, size, State.Tag);
                    break;
                case State.Skip:
                    long n = Math.Min(_skip, reader.Remaining);
                    reader.Advance(n);
                    _skip -= n;
                    if (_skip > 0)
                    {
                        return;
                    }

                    _state = _afterSkip;
                    break;
                default:
                    return;
            }
        }
    }

    private void BeginSkip(ref SequenceReader<byte> reader, long count, State next)
    {
        if (count > _frameEnd - _position - reader.Consumed)
        {
            throw new KafkaProtocolException($"a field of {count} bytes runs past the end of the response", (short)ApiKey.Fetch, _version, _position + reader.Consumed);
        }

        _skip = count;
        _afterSkip = next;
        _state = State.Skip;
    }

    private void BeginTags(Section section)
    {
        _section = section;
        _state = State.TagCount;
    }

    private void EndTags() => _state = _section switch
    {
        Section.Header => State.Body,
        Section.Aborted => State.Aborted,
        Section.Partition => State.Partition,
        _ => State.Topic, // a topic's tags end it
    };

    // The tail is whole in buffer: rewrite it into as many bytes. False while it is still arriving.
    private bool WriteTail(ref ReadOnlySequence<byte> buffer, IBufferWriter<byte> output, IBrokerAddressMapper mapper)
    {
        long length = _frameEnd - _position;
        if (length > MaxHeldTail)
        {
            long zeros = SameLengthTail.WriteReplacementHeader(length, output);
            _replacedHeader = length - zeros;
            TailReplaced = true;
            _state = State.ReplaceTail;
            return false;
        }

        if (buffer.Length < length)
        {
            return false;
        }

        MostHeld = Math.Max(MostHeld, length); // whole now, and held again if the mapper sends the pump away
        _tail.Write(buffer.Slice(0, length), output, mapper, (short)ApiKey.Fetch, _version);
        Dropped = _tail.Dropped;
        buffer = buffer.Slice(length);
        _position = _frameEnd;
        return true;
    }

    // A tail too long to hold: its bytes are dropped as they arrive; the replacement's header stands for the first of
    // them, a zero for each of the rest.
    private bool ReplaceTail(ref ReadOnlySequence<byte> buffer, IBufferWriter<byte> output)
    {
        long n = Math.Min(buffer.Length, _frameEnd - _position);
        long covered = Math.Min(n, _replacedHeader);
        _replacedHeader -= covered;
        SameLengthTail.WriteZeros(output, n - covered);
        buffer = buffer.Slice(n);
        _position += n;
        return _position == _frameEnd;
    }

    private static bool Take(ref SequenceReader<byte> reader, int count)
    {
        if (reader.Remaining < count)
        {
            return false;
        }

        reader.Advance(count);
        return true;
    }

    private static void Rewind(ref SequenceReader<byte> reader, long mark) => reader.Rewind(reader.Consumed - mark);

    // A compact array's length (count + 1; 0 is null, read as none).
    private bool TryArrayLength(ref SequenceReader<byte> reader, out int count)
    {
        count = 0;
        if (!TryVarInt(ref reader, out uint value))
        {
            return false;
        }

        // Every element takes at least one byte.
        if (value > 0 && value - 1 > _frameEnd - _position - reader.Consumed)
        {
            throw new KafkaProtocolException($"array of {value - 1} elements is longer than the rest of the response", (short)ApiKey.Fetch, _version, _position + reader.Consumed);
        }

        count = value == 0 ? 0 : (int)(value - 1);
        return true;
    }

    // An unsigned varint of at most 5 bytes; false (nothing consumed) when its last byte has not arrived.
    private bool TryVarInt(ref SequenceReader<byte> reader, out uint value)
    {
        value = 0;
        long mark = reader.Consumed;
        for (int i = 0; i < VarInt.MaxUnsignedLength; i++)
        {
            if (!reader.TryRead(out byte b))
            {
                reader.Rewind(reader.Consumed - mark);
                return false;
            }

            if (i == VarInt.MaxUnsignedLength - 1 && b > 0x0F)
            {
                throw new KafkaProtocolException("unsigned varint overflows 32 bits", (short)ApiKey.Fetch, _version, _position + reader.Consumed);
            }

            value |= (uint)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                return true;
            }
        }

        throw new KafkaProtocolException("unsigned varint overflows 32 bits", (short)ApiKey.Fetch, _version, _position + reader.Consumed);
    }

    private enum State : byte
    {
        Done,
        Prefix,
        Body,
        Topic,
        Partition,
        Aborted,
        Records,
        PartitionTags,
        TagCount,
        Tag,
        Skip,
        Tail,
        ReplaceTail,
    }

    private enum Section : byte
    {
        Header,
        Aborted,
        Partition,
        Topic,
    }
}
