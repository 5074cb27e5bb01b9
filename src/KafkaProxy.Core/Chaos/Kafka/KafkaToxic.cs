using System.Diagnostics;

namespace KafkaProxy.Core.Chaos.Kafka;

/// <summary>
/// A toxic that acts on Kafka messages rather than bytes, applied by <see cref="KafkaChaosFilter"/> on the connections
/// its toxicity picked (either stream: they act on requests and their responses alike). Each may be narrowed to a
/// topic (and partition) and a client id, and limited to a number of requests (<see cref="TryFire"/>, counted across
/// every connection of its proxy) and to a time window from when it was added; an update starts both anew.
/// </summary>
internal abstract class KafkaToxic(KafkaToxicScope scope) : ToxicBehavior
{
    private readonly long _addedAt = Stopwatch.GetTimestamp();
    private long _left = scope.Count > 0 ? scope.Count : long.MaxValue;

    public KafkaToxicScope Scope { get; } = scope;

    /// <summary>True while the toxic's window lasts (always, without <c>duration_ms</c>).</summary>
    public bool InWindow => Scope.DurationMs <= 0 || Stopwatch.GetElapsedTime(_addedAt).TotalMilliseconds < Scope.DurationMs;

    /// <summary>Takes one firing: false once the window passed or the count is used up.</summary>
    public bool TryFire()
    {
        if (!InWindow)
        {
            return false;
        }

        long left = Interlocked.Decrement(ref _left);
        if (left >= 0)
        {
            return true;
        }

        Interlocked.Increment(ref _left); // used up: keep it from wrapping
        return false;
    }
}
