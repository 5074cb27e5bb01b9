using System.Buffers;

namespace KafkaProxy.Http.Gateway;

/// <summary>
/// Splits a push body into messages: each a 4-byte little-endian unsigned length, then that many bytes. It is fed the
/// body piece by piece as it arrives and copies each message once, into an array of its exact size, so a body is never
/// gathered into one buffer. Nothing it collects is queued anywhere: the caller enqueues only a body that parsed whole.
/// </summary>
internal sealed class LengthPrefixedParser(int maxMessageBytes, long maxRequestBytes)
{
    private const int PrefixLength = 4;
    private readonly List<byte[]> _messages = [];
    private byte[]? _current;
    private int _filled;
    private long _consumed;

    /// <summary>The complete messages so far.</summary>
    public List<byte[]> Messages => _messages;

    /// <summary>Set once the body is known to be bad; parsing stops there.</summary>
    public PushRejection? Rejection { get; private set; }

    /// <summary>Consumes what it can of <paramref name="buffer"/> and returns where it stopped (within a length prefix).</summary>
    public SequencePosition Parse(in ReadOnlySequence<byte> buffer)
    {
        if (_consumed + buffer.Length > maxRequestBytes)
        {
            Rejection = PushRejection.RequestTooLarge(maxRequestBytes);
            return buffer.End;
        }

        var reader = new SequenceReader<byte>(buffer);
        while (true)
        {
            if (_current is not null)
            {
                int take = (int)Math.Min(_current.Length - _filled, reader.Remaining);
                reader.TryCopyTo(_current.AsSpan(_filled, take));
                reader.Advance(take);
                _filled += take;
                if (_filled < _current.Length)
                {
                    break;
                }

                _messages.Add(_current);
                _current = null;
            }

            if (!reader.TryReadLittleEndian(out int raw))
            {
                break;
            }

            uint length = (uint)raw;
            if (length > (uint)maxMessageBytes)
            {
                Rejection = PushRejection.TooLarge($"Message {_messages.Count + 1} is {length} bytes; the limit is {maxMessageBytes} bytes per message.");
                return buffer.End;
            }

            if (length == 0)
            {
                _messages.Add([]);
            }
            else
            {
                _current = new byte[length];
                _filled = 0;
            }
        }

        _consumed += reader.Consumed;
        return reader.Position;
    }

    /// <summary>The body ended with <paramref name="leftover"/> unconsumed bytes (a partial length prefix).</summary>
    public void Complete(long leftover)
    {
        if (Rejection is not null)
        {
            return;
        }

        if (_current is not null)
        {
            Rejection = PushRejection.Malformed(
                $"Message {_messages.Count + 1} declares {_current.Length} bytes but the body ends after {_filled} of them.");
        }
        else if (leftover is > 0 and < PrefixLength)
        {
            Rejection = PushRejection.Malformed(
                $"The body ends with {leftover} stray bytes after message {_messages.Count}: every message needs a 4-byte little-endian length first.");
        }
    }
}
