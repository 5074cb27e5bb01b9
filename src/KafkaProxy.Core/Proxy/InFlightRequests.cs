namespace KafkaProxy.Core.Proxy;

/// <summary>
/// The requests of one connection that await a response, in order (Kafka answers in request order on a connection).
/// A fixed ring: the request pump adds, the response pump peeks and removes; no allocation after construction.
/// </summary>
internal sealed class InFlightRequests
{
    private readonly Entry[] _ring;
    private readonly Lock _gate = new();
    private int _head;
    private int _count;

    public InFlightRequests(int capacity) => _ring = new Entry[capacity];

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
    public bool TryAdd(in Entry entry)
    {
        lock (_gate)
        {
            if (_count == _ring.Length)
            {
                return false;
            }

            _ring[(_head + _count) % _ring.Length] = entry;
            _count++;
            return true;
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
        }
    }

    internal readonly record struct Entry(short ApiKey, short ApiVersion, int CorrelationId, long StartTimestamp);
}
