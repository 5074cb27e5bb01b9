using KafkaProxy.Core.Filters.BuiltIn;
using KafkaProxy.Core.Proxy;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// The turns the connection filters asked for on one connection: when each is due, on the engine's clock. The request
/// pump asks <see cref="IsDue"/> at each frame boundary (one read and a compare) and runs the due turns in its own turn.
/// </summary>
internal sealed class ConnectionTurns
{
    private readonly IKafkaConnectionFilter[] _filters;
    private readonly long[] _dueAt; // ProxyClock milliseconds per filter; 0: no turn wanted
    private readonly ProxyClock _clock;
    private long _nextDueAt;
    private bool _inProgress;

    private ConnectionTurns(IKafkaConnectionFilter[] filters, ProxyClock clock)
    {
        _filters = filters;
        _dueAt = new long[filters.Length];
        _clock = clock;
    }

    /// <summary>True once the earliest turn asked for has come; cheap enough to ask for every frame.</summary>
    public bool IsDue
    {
        get
        {
            long dueAt = Volatile.Read(ref _nextDueAt);
            return dueAt != 0 && _clock.NowMs >= dueAt;
        }
    }

    /// <summary>
    /// True while turns run, and for good once one failed: a broker that closes the connection now has probably refused
    /// what the turn sent (a re-authentication), and the request pump holds the reason.
    /// </summary>
    public bool InProgress => Volatile.Read(ref _inProgress);

    /// <summary>Asks each filter of <paramref name="filters"/> for its first turn on <paramref name="connection"/>; null when there are none.</summary>
    /// <exception cref="FilterFailedException">A user's filter threw.</exception>
    public static ConnectionTurns? Start(IKafkaConnectionFilter[] filters, KafkaConnectionInfo connection, ProxyClock clock)
    {
        if (filters.Length == 0)
        {
            return null;
        }

        var turns = new ConnectionTurns(filters, clock);
        for (int f = 0; f < filters.Length; f++)
        {
            DateTimeOffset? first;
            try
            {
                first = filters[f].OnConnectionStarted(connection);
            }
            catch (Exception ex) when (filters[f] is not IBuiltInFilter && ex is not OutOfMemoryException)
            {
                throw new FilterFailedException(filters[f].Name, frame: null, $"OnConnectionStarted threw {ex.GetType().Name}: {ex.Message}", ex);
            }

            turns.Schedule(f, first);
        }

        return turns;
    }

    /// <summary>Runs every turn that is due, in the filters' order; the proxy's own filters without <paramref name="timeout"/>.</summary>
    /// <exception cref="FilterFailedException">A user's filter threw or ran past <paramref name="timeout"/>.</exception>
    public async Task RunDueAsync(KafkaConnectionTurn turn, FilterDeadline deadline, TimeSpan timeout)
    {
        Volatile.Write(ref _inProgress, true);
        try
        {
            for (int f = 0; f < _filters.Length; f++)
            {
                if (_dueAt[f] != 0 && _clock.NowMs >= _dueAt[f])
                {
                    Schedule(f, await RunAsync(_filters[f], turn, deadline, timeout).ConfigureAwait(false));
                }
            }
        }
        finally
        {
            turn.End();
        }

        // Cleared only on success: after a failure the connection ends, and until the request pump has carried the
        // reason out, a broker close seen by the response pump must still be read as the turn's end.
        Volatile.Write(ref _inProgress, false);
    }

    private static async Task<DateTimeOffset?> RunAsync(IKafkaConnectionFilter filter, KafkaConnectionTurn turn, FilterDeadline deadline, TimeSpan timeout)
    {
        if (filter is IBuiltInFilter)
        {
            return await filter.OnTurnAsync(turn, CancellationToken.None).ConfigureAwait(false);
        }

        var token = deadline.Start(timeout);
        try
        {
            return await filter.OnTurnAsync(turn, token).AsTask().WaitAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.Expired)
        {
            throw FilterFailedException.TimedOut(filter.Name, frame: null, timeout);
        }
        catch (Exception ex) when (FilterFailedException.From(filter.Name, frame: null, ex) is { } failed)
        {
            throw failed;
        }
        finally
        {
            deadline.Stop();
        }
    }

    private void Schedule(int filter, DateTimeOffset? at)
    {
        long now = _clock.NowMs;
        _dueAt[filter] = at is { } time ? Math.Max(1, now + Math.Max(0, (long)(time - _clock.Provider.GetUtcNow()).TotalMilliseconds)) : 0;
        long next = 0;
        foreach (long dueAt in _dueAt)
        {
            if (dueAt != 0 && (next == 0 || dueAt < next))
            {
                next = dueAt;
            }
        }

        Volatile.Write(ref _nextDueAt, next);
    }
}
