namespace KafkaProxy.Core.Chaos;

// Toxiproxy's toxics, which act on a connection's bytes. Times are in the units Toxiproxy's attributes use.

/// <summary><c>latency</c>: each chunk waits <see cref="LatencyMs"/> ± <see cref="JitterMs"/>.</summary>
internal sealed class LatencyToxic(long latencyMs, long jitterMs) : ToxicBehavior
{
    public long LatencyMs { get; } = latencyMs;

    public long JitterMs { get; } = jitterMs;
}

/// <summary><c>bandwidth</c>: at most <see cref="RateKBps"/> KB (1000 bytes) a second pass; 0 lets everything through.</summary>
internal sealed class BandwidthToxic(long rateKBps) : ToxicBehavior
{
    public long RateKBps { get; } = rateKBps;
}

/// <summary><c>slow_close</c>: the connection closes <see cref="DelayMs"/> after it would have.</summary>
internal sealed class SlowCloseToxic(long delayMs) : ToxicBehavior
{
    public long DelayMs { get; } = delayMs;
}

/// <summary>
/// <c>timeout</c>: data is dropped; the connection closes after <see cref="TimeoutMs"/> without data (0: held open until
/// the toxic is removed, which closes it, as Toxiproxy's cleanup does).
/// </summary>
internal sealed class TimeoutToxic(long timeoutMs) : ToxicBehavior
{
    public long TimeoutMs { get; } = timeoutMs;
}

/// <summary><c>reset_peer</c>: <see cref="TimeoutMs"/> after the first data, the client's socket is reset (RST, linger 0).</summary>
internal sealed class ResetPeerToxic(long timeoutMs) : ToxicBehavior
{
    public long TimeoutMs { get; } = timeoutMs;
}

/// <summary><c>slicer</c>: data passes in pieces of <see cref="AverageSize"/> ± <see cref="SizeVariation"/> bytes, <see cref="DelayMicroseconds"/> apart.</summary>
internal sealed class SlicerToxic(long averageSize, long sizeVariation, long delayMicroseconds) : ToxicBehavior
{
    public long AverageSize { get; } = averageSize;

    public long SizeVariation { get; } = sizeVariation;

    public long DelayMicroseconds { get; } = delayMicroseconds;
}

/// <summary><c>limit_data</c>: the connection closes once <see cref="Bytes"/> have passed this way.</summary>
internal sealed class LimitDataToxic(long bytes) : ToxicBehavior
{
    public long Bytes { get; } = bytes;
}
