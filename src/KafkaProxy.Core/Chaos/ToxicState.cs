namespace KafkaProxy.Core.Chaos;

/// <summary>
/// A toxic as one connection sees it: whether it acts there (its toxicity, drawn once when the connection first meets
/// it), a counter for toxics that count (bytes, requests), and a timer for toxics that close the connection later.
/// </summary>
internal sealed class ToxicState : IDisposable
{
    private long _count;
    private ITimer? _timer;

    public ToxicState(Toxic toxic, bool acts)
    {
        Toxic = toxic;
        Acts = acts;
    }

    public Toxic Toxic { get; }

    /// <summary>True when the toxic acts on this connection; false when its toxicity spared it.</summary>
    public bool Acts { get; }

    /// <summary>What the toxic counted on this connection so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Adds to the count and returns the new count.</summary>
    public long Add(long amount) => Interlocked.Add(ref _count, amount);

    /// <summary>Runs <paramref name="fire"/> once, <paramref name="milliseconds"/> from now, unless armed already.</summary>
    public void ArmOnce(TimeProvider time, long milliseconds, Action fire)
    {
        lock (this)
        {
            _timer ??= time.CreateTimer(_ => fire(), null, TimeSpan.FromMilliseconds(milliseconds), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Runs <paramref name="fire"/> <paramref name="milliseconds"/> from now, instead of when it was armed for.</summary>
    public void Rearm(TimeProvider time, long milliseconds, Action fire)
    {
        lock (this)
        {
            if (_timer is null)
            {
                _timer = time.CreateTimer(_ => fire(), null, TimeSpan.FromMilliseconds(milliseconds), Timeout.InfiniteTimeSpan);
            }
            else
            {
                _timer.Change(TimeSpan.FromMilliseconds(milliseconds), Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        lock (this)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }
}
