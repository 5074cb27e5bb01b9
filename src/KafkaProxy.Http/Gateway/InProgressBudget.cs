using KafkaProxy.Core.Diagnostics;

namespace KafkaProxy.Http.Gateway;

/// <summary>
/// The memory that push requests still being read may hold together, across the gateway
/// (<c>KafkaProxy:HttpPush:MaxInProgressBytes</c>). Each request reserves before it allocates and releases when its
/// messages are queued or refused, so what is held never exceeds <see cref="Limit"/>.
/// </summary>
internal sealed class InProgressBudget(long limit)
{
    private long _held;
    private long _peak;

    /// <summary>Bytes all requests in progress may hold together.</summary>
    public long Limit => limit;

    /// <summary>Bytes reserved now.</summary>
    public long Held => Volatile.Read(ref _held);

    /// <summary>The most ever reserved at once.</summary>
    public long Peak => Volatile.Read(ref _peak);

    /// <summary>Reserves <paramref name="bytes"/>, or nothing when that would take the total past <see cref="Limit"/>.</summary>
    public bool TryReserve(long bytes)
    {
        long held = Volatile.Read(ref _held);
        while (true)
        {
            if (held + bytes > limit)
            {
                return false;
            }

            long seen = Interlocked.CompareExchange(ref _held, held + bytes, held);
            if (seen == held)
            {
                RaisePeak(held + bytes);
                return true;
            }

            held = seen;
        }
    }

    /// <summary>Gives back bytes an earlier <see cref="TryReserve"/> took.</summary>
    public void Release(long bytes) => Interlocked.Add(ref _held, -bytes);

    private void RaisePeak(long held) => InterlockedMaximum.Raise(ref _peak, held);
}
