namespace KafkaProxy.Core.Filters;

/// <summary>
/// The deadline of one filter call, reused for every call of one pump: one token source and one timer per connection
/// and direction, reset after each call, instead of a new pair per filter per frame. A source that fired cannot be
/// reset and is replaced (after a filter ran past its time, which closes the connection anyway; and after every call with
/// a provider other than the system's, whose timers a source cannot disarm in place). Between calls the
/// timer is disarmed, so a connection that ends leaves nothing scheduled behind: the source needs no disposal.
/// </summary>
internal sealed class FilterDeadline(TimeProvider time)
{
    private CancellationTokenSource _source = Create(time);

    /// <summary>True once the current call ran past its time.</summary>
    public bool Expired => _source.IsCancellationRequested;

    /// <summary>Arms the deadline <paramref name="timeout"/> from now; the token is cancelled when it passes.</summary>
    public CancellationToken Start(TimeSpan timeout)
    {
        _source.CancelAfter(timeout);
        return _source.Token;
    }

    /// <summary>Disarms the deadline after a call.</summary>
    public void Stop()
    {
        if (!_source.TryReset())
        {
            _source.Dispose();
            _source = Create(time);
        }
    }

    // A non-zero delay makes the source take its timer from the provider, which a later CancelAfter reuses.
    private static CancellationTokenSource Create(TimeProvider time) => new(Timeout.InfiniteTimeSpan, time);
}
