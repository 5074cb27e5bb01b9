namespace KafkaProxy.Core.Proxy;

/// <summary>
/// The engine's current <see cref="ReloadableSettings"/>. Readers take <see cref="Current"/> once per pass (a pump
/// buffer, a deadline tick, a new connection's step) and use that snapshot throughout: no lock, no torn values.
/// </summary>
internal sealed class LiveSettings(ReloadableSettings initial)
{
    private ReloadableSettings _current = initial;

    public ReloadableSettings Current => Volatile.Read(ref _current);

    /// <summary>Swaps the snapshot; returns the one it replaced.</summary>
    public ReloadableSettings Replace(ReloadableSettings next) => Interlocked.Exchange(ref _current, next);
}
