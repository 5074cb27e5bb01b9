namespace KafkaProxy.Core.Proxy;

/// <summary>
/// The requests of one connection that await a response, in order (Kafka answers in request order on a connection).
/// A ring: the request pump adds, the response pump peeks and removes. It starts small and doubles up to its maximum,
/// so it allocates only while a connection's busiest moment grows it, and a task when the request pump waits for room
/// (<see cref="WaitForRoomAsync"/>).
/// <paramref name="reserved"/> extra places take only the proxy's own requests (re-authentication), so that a client
/// at its limit does not block them.
/// </summary>
internal sealed class InFlightRequests(int capacity, int reserved = 0)
{
    private const int InitialSize = 8;
    private readonly int _maxSize = capacity + reserved;
    private Entry[] _ring = new Entry[Math.Min(InitialSize, capacity + reserved)];
    private readonly Lock _gate = new();
    private int _head;
    private int _count;
    private TaskCompletionSource? _roomWaiter;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Adds a request; false when the connection already has the maximum in flight.</summary>
    public bool TryAdd(in Entry entry) => TryAdd(entry, out _);

    /// <summary>Adds a request; false when the connection already has the maximum in flight. <paramref name="wasEmpty"/>: none was waiting before.</summary>
    public bool TryAdd(in Entry entry, out bool wasEmpty)
    {
        lock (_gate)
        {
            wasEmpty = _count == 0;
            if (_count == _maxSize || (!entry.Internal && _count >= capacity))
            {
                return false;
            }

            if (_count == _ring.Length)
            {
                Grow();
            }

            _ring[(_head + _count) % _ring.Length] = entry;
            _count++;
            return true;
        }
    }

    /// <summary>
    /// Completes once a client request fits again. The request pump waits here instead of reading on: back-pressure
    /// on the client, as a broker gives by not reading a connection that has enough requests in progress.
    /// </summary>
    public Task WaitForRoomAsync()
    {
        lock (_gate)
        {
            if (_count < capacity)
            {
                return Task.CompletedTask;
            }

            _roomWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _roomWaiter.Task;
        }
    }

    /// <summary>True when one more client request fits.</summary>
    public bool HasRoom
    {
        get
        {
            lock (_gate)
            {
                return _count < capacity;
            }
        }
    }

    /// <summary>True when a request with this correlation id awaits its response.</summary>
    public bool ContainsCorrelationId(int correlationId)
    {
        lock (_gate)
        {
            for (int i = 0; i < _count; i++)
            {
                if (_ring[(_head + i) % _ring.Length].CorrelationId == correlationId)
                {
                    return true;
                }
            }

            return false;
        }
    }

    public bool TryPeek(out Entry entry)
    {
        lock (_gate)
        {
            entry = _count > 0 ? _ring[_head] : default;
            return _count > 0;
        }
    }

    public void RemoveFirst()
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                throw new InvalidOperationException("No request is in flight.");
            }

            _head = (_head + 1) % _ring.Length;
            _count--;
            if (_roomWaiter is not null && _count < capacity)
            {
                _roomWaiter.TrySetResult();
                _roomWaiter = null;
            }
        }
    }

    // Doubles the ring up to its maximum, keeping the order; idle connections stay small (8 entries).
    private void Grow()
    {
        var larger = new Entry[Math.Min(_ring.Length * 2, _maxSize)];
        for (int i = 0; i < _count; i++)
        {
            larger[i] = _ring[(_head + i) % _ring.Length];
        }

        _ring = larger;
        _head = 0;
    }

    /// <summary>
    /// A request awaiting its response; <paramref name="Internal"/> marks the proxy's own, whose response never reaches
    /// the client; <paramref name="LocalResponse"/> holds the whole frame when a filter answered it instead of the broker.
    /// </summary>
    internal readonly record struct Entry(short ApiKey, short ApiVersion, int CorrelationId, long StartTimestamp, bool Internal = false, byte[]? LocalResponse = null);
}
