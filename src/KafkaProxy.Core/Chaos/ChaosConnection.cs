using System.Net.Sockets;

namespace KafkaProxy.Core.Chaos;

/// <summary>
/// One client connection of a chaos proxy: which of the proxy's toxics act on it (each toxic's toxicity is drawn once per
/// connection, as Toxiproxy draws it per link), their counters and timers, and how to close it. The lists are rebuilt
/// when the proxy's toxics change, so toxics added or removed apply to connections already open.
/// </summary>
internal sealed class ChaosConnection : IDisposable
{
    private readonly ChaosProxy _proxy;
    private readonly Socket _client;
    private readonly Action _abort;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _closed = new();
    private Dictionary<Toxic, ToxicState> _states = new(ReferenceEqualityComparer.Instance);
    private Toxic[]? _seen; // the proxy's toxics the lists were made from
    private ToxicState[] _upstream = [];
    private ToxicState[] _downstream = [];
    private int _aborted;

    public ChaosConnection(long id, ChaosProxy proxy, Socket client, Action abort, TimeProvider time)
    {
        Id = id;
        _proxy = proxy;
        _client = client;
        _abort = abort;
        Time = time;
    }

    /// <summary>The engine's connection id (<c>KafkaConnectionInfo.Id</c> to filters).</summary>
    public long Id { get; }

    public ChaosProxy Proxy => _proxy;

    public TimeProvider Time { get; }

    /// <summary>Cancelled when the connection is closed by a toxic or by disabling its proxy.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>The toxics that act on this connection in <paramref name="direction"/>, in the order they were added.</summary>
    public ToxicState[] Acting(ToxicDirection direction)
    {
        var current = _proxy.Toxics;
        if (!ReferenceEquals(current, Volatile.Read(ref _seen)))
        {
            Refresh(current);
        }

        return direction == ToxicDirection.Upstream ? Volatile.Read(ref _upstream) : Volatile.Read(ref _downstream);
    }

    /// <summary>
    /// The toxics with a behaviour of type <typeparamref name="T"/> that act on this connection, either way: for the
    /// filters that apply Kafka-level toxics.
    /// </summary>
    public IEnumerable<ToxicState> Firing<T>()
        where T : ToxicBehavior =>
        Acting(ToxicDirection.Upstream).Concat(Acting(ToxicDirection.Downstream)).Where(s => s.Toxic.Behavior is T);

    /// <summary>Takes the proxy's current toxics: new ones are drawn for, removed ones let go of.</summary>
    public void Refresh(Toxic[] current)
    {
        bool close = false;
        lock (_gate)
        {
            if (ReferenceEquals(current, _seen))
            {
                return;
            }

            var states = new Dictionary<Toxic, ToxicState>(ReferenceEqualityComparer.Instance);
            var upstream = new List<ToxicState>();
            var downstream = new List<ToxicState>();
            foreach (var toxic in current)
            {
                if (!_states.Remove(toxic, out var state))
                {
#pragma warning disable CA5394 // A test fault's chance, not a secret.
                    state = new ToxicState(toxic, toxic.Toxicity >= 1 || Random.Shared.NextDouble() < toxic.Toxicity);
#pragma warning restore CA5394
                    if (state.Acts && toxic.Behavior is TimeoutToxic { TimeoutMs: > 0 } timeout)
                    {
                        state.ArmOnce(Time, timeout.TimeoutMs, () => Abort(reset: false));
                    }
                }

                states.Add(toxic, state);
                if (state.Acts)
                {
                    (toxic.Stream == ToxicDirection.Upstream ? upstream : downstream).Add(state);
                }
            }

            foreach (var removed in _states.Values)
            {
                // Removing a timeout toxic closes the connections it held, as Toxiproxy's cleanup does: their data was dropped.
                close |= removed.Acts && removed.Toxic.Behavior is TimeoutToxic;
                removed.Dispose();
            }

            _states = states;
            Volatile.Write(ref _upstream, [.. upstream]);
            Volatile.Write(ref _downstream, [.. downstream]);
            Volatile.Write(ref _seen, current);
        }

        if (close)
        {
            Abort(reset: false);
        }
    }

    /// <summary>How long closing waits: the longest <c>slow_close</c> delay acting on the connection.</summary>
    public Task SlowCloseAsync()
    {
        if (Volatile.Read(ref _aborted) != 0)
        {
            return Task.CompletedTask;
        }

        long delay = Firing<SlowCloseToxic>().Select(s => ((SlowCloseToxic)s.Toxic.Behavior).DelayMs).DefaultIfEmpty(0).Max();
        return delay > 0 ? Task.Delay(TimeSpan.FromMilliseconds(delay), Time) : Task.CompletedTask;
    }

    /// <summary>Closes the connection now; with <paramref name="reset"/>, with a TCP RST (linger 0) toward the client.</summary>
    public void Abort(bool reset)
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        if (reset)
        {
            try
            {
                _client.LingerState = new LingerOption(true, 0);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Closed already.
            }
        }

        _closed.Cancel();
        _abort();
    }

    public void Dispose()
    {
        Volatile.Write(ref _aborted, 1); // a timer that fires from now on finds it closed
        _proxy.Detach(this);
        lock (_gate)
        {
            foreach (var state in _states.Values)
            {
                state.Dispose();
            }

            _states.Clear();
        }

        _closed.Dispose();
    }
}
