namespace KafkaProxy.Core.Chaos;

/// <summary>
/// A client connection's stream with the network toxics of its proxy applied: reads are upstream (client → broker),
/// writes downstream (broker → client). Each read is one chunk; a write is cut into pieces where a toxic wants it
/// (slicer, bandwidth, limit_data). Latency and bandwidth delay a chunk in the pump that moves it, so a chunk waits for
/// the one before it. Made only when the engine runs the chaos API; without it connections have no wrapper at all.
/// </summary>
internal sealed class ChaosStream : Stream
{
    private readonly Stream _inner;

    public ChaosStream(Stream inner, ChaosConnection connection)
    {
        _inner = inner;
        Connection = connection;
    }

    public ChaosConnection Connection { get; }

    public override bool CanRead => _inner.CanRead;

    public override bool CanWrite => _inner.CanWrite;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0)
        {
            return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false); // waiting for data, no buffer
        }

        while (true)
        {
            int size = PieceSize(Connection.Acting(ToxicDirection.Upstream), buffer.Length);
            int read = await _inner.ReadAsync(buffer[..size], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return 0;
            }

            var toxics = Connection.Acting(ToxicDirection.Upstream);
            if (toxics.Length == 0 || await PassAsync(toxics, read, first: true, cancellationToken).ConfigureAwait(false))
            {
                return read;
            }
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        bool first = true;
        while (buffer.Length > 0)
        {
            var toxics = Connection.Acting(ToxicDirection.Downstream);
            if (toxics.Length == 0)
            {
                await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
                return;
            }

            int size = PieceSize(toxics, buffer.Length);
            var piece = buffer[..size];
            buffer = buffer[size..];
            if (await PassAsync(toxics, size, first, cancellationToken).ConfigureAwait(false))
            {
                await _inner.WriteAsync(piece, cancellationToken).ConfigureAwait(false);
                await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (Exhausted(toxics))
                {
                    Connection.Abort(reset: false); // limit_data: the last piece is written, then the connection closes
                    throw Closed();
                }
            }

            first = false;
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override void Flush() => _inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        Connection.Dispose();
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Connection.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    // The most bytes the next chunk may carry: a slice, 100 ms of bandwidth (as Toxiproxy cuts), what limit_data leaves.
    private int PieceSize(ToxicState[] toxics, int available)
    {
        long size = available;
        foreach (var state in toxics)
        {
            switch (state.Toxic.Behavior)
            {
                case SlicerToxic slicer:
#pragma warning disable CA5394 // A test fault's sizes, not a secret.
                    size = Math.Min(size, slicer.AverageSize + Random.Shared.NextInt64(-slicer.SizeVariation, slicer.SizeVariation + 1));
#pragma warning restore CA5394
                    break;
                case BandwidthToxic { RateKBps: > 0 } bandwidth:
                    size = Math.Min(size, bandwidth.RateKBps * 100);
                    break;
                case LimitDataToxic limit:
                    long left = limit.Bytes - state.Count;
                    if (left <= 0)
                    {
                        Connection.Abort(reset: false);
                        throw Closed();
                    }

                    size = Math.Min(size, left);
                    break;
            }
        }

        return (int)Math.Max(1, size);
    }

    // Applies the toxics to a chunk of `size` bytes (delays, counts, timers); false when a timeout toxic drops it.
    private async ValueTask<bool> PassAsync(ToxicState[] toxics, int size, bool first, CancellationToken cancellationToken)
    {
        var connection = Connection;
        long delayMicroseconds = 0;
        foreach (var state in toxics)
        {
            switch (state.Toxic.Behavior)
            {
                case TimeoutToxic timeout:
                    // Dropped; with a timeout the connection closes that long after the last data, as Toxiproxy's does.
                    if (timeout.TimeoutMs > 0)
                    {
                        state.Rearm(connection.Time, timeout.TimeoutMs, () => connection.Abort(reset: false));
                    }

                    return false;
                case ResetPeerToxic reset:
                    state.ArmOnce(connection.Time, reset.TimeoutMs, () => connection.Abort(reset: true));
                    break;
                case LatencyToxic latency when first:
#pragma warning disable CA5394 // A test fault's jitter, not a secret.
                    long jitter = latency.JitterMs > 0 ? Random.Shared.NextInt64(-latency.JitterMs, latency.JitterMs + 1) : 0;
#pragma warning restore CA5394
                    delayMicroseconds += Math.Max(0, latency.LatencyMs + jitter) * 1000;
                    break;
                case BandwidthToxic { RateKBps: > 0 } bandwidth:
                    delayMicroseconds += size * 1000L / bandwidth.RateKBps; // KB/s = bytes per millisecond
                    break;
                case SlicerToxic slicer:
                    delayMicroseconds += slicer.DelayMicroseconds;
                    break;
                case LimitDataToxic:
                    state.Add(size);
                    break;
            }
        }

        if (delayMicroseconds > 0)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.Closed);
            var delay = TimeSpan.FromMicroseconds(delayMicroseconds);
            long started = connection.Time.GetTimestamp();
            await Task.Delay(delay, connection.Time, linked.Token).ConfigureAwait(false);
            // A timer may fire up to a millisecond early: a latency toxic promises at least its latency.
            var early = delay - connection.Time.GetElapsedTime(started);
            if (early > TimeSpan.Zero)
            {
                await Task.Delay(early + TimeSpan.FromMilliseconds(1), connection.Time, linked.Token).ConfigureAwait(false);
            }
        }

        return true;
    }

    private static bool Exhausted(ToxicState[] toxics)
    {
        foreach (var state in toxics)
        {
            if (state.Toxic.Behavior is LimitDataToxic limit && state.Count >= limit.Bytes)
            {
                return true;
            }
        }

        return false;
    }

    private static IOException Closed() => new("the connection was closed by a chaos toxic (limit_data)");
}
