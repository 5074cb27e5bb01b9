namespace KafkaProxy.Core.Proxy;

/// <summary>
/// The engine's time: its <see cref="TimeProvider"/> for timers and timeouts, and a monotonic millisecond count for
/// deadlines, read on every pump pass. With the system provider that count is <see cref="Environment.TickCount64"/>,
/// as cheap as before; with another one (a test's fake clock) it comes from the provider's timestamp.
/// </summary>
internal sealed class ProxyClock
{
    private readonly bool _system;

    public ProxyClock(TimeProvider provider)
    {
        Provider = provider;
        _system = ReferenceEquals(provider, TimeProvider.System);
    }

    public TimeProvider Provider { get; }

    /// <summary>Milliseconds of a clock that never goes back; only differences mean something.</summary>
    public long NowMs => _system ? Environment.TickCount64 : (long)((Int128)Provider.GetTimestamp() * 1000 / Provider.TimestampFrequency);
}
