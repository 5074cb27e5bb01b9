namespace KafkaProxy.Core.Diagnostics;

/// <summary>A high-water mark that threads raise at once without a lock.</summary>
internal static class InterlockedMaximum
{
    /// <summary>Sets <paramref name="location"/> to <paramref name="value"/> if that is higher; a higher value another thread set stays.</summary>
    public static void Raise(ref long location, long value)
    {
        long current = Volatile.Read(ref location);
        while (value > current)
        {
            long seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
