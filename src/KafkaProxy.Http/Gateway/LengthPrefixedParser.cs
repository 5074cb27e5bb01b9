using System.Buffers;

namespace KafkaProxy.Http.Gateway;

/// <summary>
/// Splits a push body into messages: each a 4-byte little-endian unsigned length, then that many bytes. It is fed the
/// body piece by piece as it arrives and copies each message once it is whole into an array of its exact size, so a
/// body is never gathered into one buffer. It stops at the first limit crossed. Every byte it holds is reserved from
/// the <see cref="InProgressBudget"/> first, and grows with the bytes that arrived, never with a declared length;
/// <see cref="Dispose"/> gives the reservation back. Nothing it collects is queued anywhere: the caller enqueues only a
/// body that parsed whole.
/// </summary>
internal sealed class LengthPrefixedParser(PushLimits limits, InProgressBudget budget) : IDisposable
{
    /// <summary>
    /// What each message costs beside its bytes: an array's header (24 bytes) and up to two slots of the message list,
    /// which doubles as it grows. An empty message costs this alone.
    /// </summary>
    public const int MessageOverhead = 40;

    /// <summary>The least a message still arriving grows by, so that a trickle does not copy per byte.</summary>
    public const int MinGrowth = 4096;

    private const int PrefixLength = 4;
    private readonly List<byte[]> _messages = [];
    private byte[] _current = [];
    private int _declared; // the length of the message being filled; 0 between messages
    private int _filled;
    private long _messageBytes;
    private long _consumed;
    private long _reserved;

    /// <summary>The complete messages so far.</summary>
    public List<byte[]> Messages => _messages;

    /// <summary>Body bytes consumed so far.</summary>
    public long Consumed => _consumed;

    /// <summary>Set once the body is known to be bad or cannot be held; parsing stops there.</summary>
    public PushRejection? Rejection { get; private set; }

    /// <summary>Consumes what it can of <paramref name="buffer"/> and returns where it stopped (within a length prefix).</summary>
    public SequencePosition Parse(in ReadOnlySequence<byte> buffer)
    {
        if (Rejection is not null)
        {
            return buffer.End;
        }

        if (_consumed + buffer.Length > limits.MaxRequestBytes)
        {
            Rejection = PushRejection.RequestTooLarge(limits.MaxRequestBytes);
            return buffer.End;
        }

        var reader = new SequenceReader<byte>(buffer);
        while (true)
        {
            if (_declared > 0 && !Fill(ref reader))
            {
                break;
            }

            if (!reader.TryReadLittleEndian(out int raw))
            {
                break;
            }

            Start((uint)raw);
            if (Rejection is not null)
            {
                break;
            }
        }

        _consumed += reader.Consumed;
        return Rejection is null ? reader.Position : buffer.End;
    }

    /// <summary>The body ended with <paramref name="leftover"/> unconsumed bytes (a partial length prefix).</summary>
    public void Complete(long leftover)
    {
        if (Rejection is not null)
        {
            return;
        }

        if (_declared > 0)
        {
            Rejection = PushRejection.Malformed(
                $"Message {_messages.Count + 1} declares {_declared} bytes but the body ends after {_filled} of them.");
        }
        else if (leftover is > 0 and < PrefixLength)
        {
            Rejection = PushRejection.Malformed(
                $"The body ends with {leftover} stray bytes after message {_messages.Count}: every message needs a 4-byte little-endian length first.");
        }
    }

    /// <summary>Gives back what this body reserved: its messages are queued (the flusher counts them now) or dropped.</summary>
    public void Dispose()
    {
        budget.Release(_reserved);
        _reserved = 0;
    }

    // A length prefix was read: check the limits in order, then take an empty message or begin filling one.
    private void Start(uint length)
    {
        int number = _messages.Count + 1;
        if (length > (uint)limits.MaxMessageBytes)
        {
            Rejection = PushRejection.TooLarge($"Message {number} is {length} bytes; the limit is {limits.MaxMessageBytes} bytes per message.");
            return;
        }

        if (number > limits.MaxMessages || _messageBytes + length > limits.MaxMessageBytesTotal)
        {
            Rejection = PushRejection.ExceedsBuffer(limits.MaxMessages, limits.MaxMessageBytesTotal);
            return;
        }

        if (!Reserve(MessageOverhead))
        {
            return;
        }

        _messageBytes += length;
        if (length == 0)
        {
            _messages.Add([]);
        }
        else
        {
            _declared = (int)length;
            _filled = 0;
        }
    }

    // Copies what has arrived of the current message; true once it is whole.
    private bool Fill(ref SequenceReader<byte> reader)
    {
        int take = (int)Math.Min(_declared - _filled, reader.Remaining);
        if (take == 0 || !Grow(_filled + take))
        {
            return false;
        }

        reader.TryCopyTo(_current.AsSpan(_filled, take));
        reader.Advance(take);
        _filled += take;
        if (_filled < _declared)
        {
            return false;
        }

        _messages.Add(_current);
        _current = [];
        _declared = 0;
        return true;
    }

    // Makes room for `needed` bytes of the current message: at least double, never past its declared length, so a
    // message that arrives whole gets one array of its exact size and a trickle holds at most twice what arrived.
    private bool Grow(int needed)
    {
        if (needed <= _current.Length)
        {
            return true;
        }

        int size = (int)Math.Min(_declared, Math.Max(needed, Math.Max(2L * _current.Length, MinGrowth)));
        if (!Reserve(size - _current.Length))
        {
            return false;
        }

        var grown = new byte[size];
        _current.AsSpan(0, _filled).CopyTo(grown);
        _current = grown;
        return true;
    }

    private bool Reserve(long bytes)
    {
        if (_reserved + bytes > budget.Limit)
        {
            Rejection = PushRejection.ExceedsInProgressLimit(budget.Limit);
            return false;
        }

        if (!budget.TryReserve(bytes))
        {
            Rejection = PushRejection.InProgressFull();
            return false;
        }

        _reserved += bytes;
        return true;
    }
}
