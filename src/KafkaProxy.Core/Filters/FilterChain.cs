using KafkaProxy.Core.Filters.BuiltIn;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// The filters of one direction, in their order, with the table that says per api key and version whether any wants a
/// frame: built once at start, so that a frame no filter wants costs one array lookup. Versions from 63 up share the
/// last bit, so a filter that wants every version also sees versions newer than this proxy knows.
/// </summary>
/// <typeparam name="TFilter">Request or response filters.</typeparam>
internal sealed class FilterChain<TFilter>
    where TFilter : class, IKafkaFilter
{
    // Api keys this table covers; a frame with a larger key is not one a filter can know, and passes through.
    private const int ApiKeys = 128;
    private const int LastVersionBit = 63;

    private readonly TFilter[] _filters;
    private readonly bool[] _builtIn;          // per filter: the proxy's own, called without a deadline
    private readonly ulong[][] _wantedBy; // per filter: per api key, a bit per version
    private readonly ulong[] _wanted;     // any filter

    public FilterChain(IEnumerable<TFilter> filters, Func<TFilter, short, short, bool> wants)
    {
        _filters = [.. filters];
        _builtIn = [.. _filters.Select(static f => f is IBuiltInFilter)];
        _wantedBy = new ulong[_filters.Length][];
        _wanted = _filters.Length == 0 ? [] : new ulong[ApiKeys];
        for (int f = 0; f < _filters.Length; f++)
        {
            _wantedBy[f] = new ulong[ApiKeys];
            for (short key = 0; key < ApiKeys; key++)
            {
                for (short version = 0; version <= LastVersionBit; version++)
                {
                    // The last bit asks about the newest version there can be.
                    if (wants(_filters[f], key, version == LastVersionBit ? short.MaxValue : version))
                    {
                        _wantedBy[f][key] |= 1UL << version;
                    }
                }

                _wanted[key] |= _wantedBy[f][key];
            }
        }
    }

    /// <summary>Whether some filter wants frames of this api key and version: one lookup.</summary>
    public bool Wants(short apiKey, short apiVersion) =>
        (uint)apiKey < (uint)_wanted.Length && apiVersion >= 0 && (_wanted[apiKey] & Bit(apiVersion)) != 0;

    /// <summary>The one filter that wants frames of this api key and version; null when none or several do.</summary>
    public TFilter? OnlyWanter(short apiKey, short apiVersion)
    {
        if (!Wants(apiKey, apiVersion))
        {
            return null;
        }

        ulong bit = Bit(apiVersion);
        TFilter? only = null;
        for (int f = 0; f < _filters.Length; f++)
        {
            if ((_wantedBy[f][apiKey] & bit) != 0)
            {
                if (only is not null)
                {
                    return null;
                }

                only = _filters[f];
            }
        }

        return only;
    }

    /// <summary>
    /// Calls <paramref name="call"/> for each filter that wants the frame, in order, each within <paramref name="timeout"/>
    /// (kept by <paramref name="deadline"/>; the proxy's own filters have none), until <paramref name="decided"/> says
    /// the chain ends. Filters that finish at once cost no task and no state machine: the chain goes asynchronous only
    /// from the first filter that waits.
    /// </summary>
    /// <exception cref="FilterFailedException">A filter threw or ran past the timeout (in the returned task).</exception>
    public ValueTask RunAsync<TMessage>(TMessage message, FrameIdentity frame, Func<TFilter, TMessage, CancellationToken, ValueTask> call, Func<TMessage, TFilter, bool> decided, FilterDeadline deadline, TimeSpan timeout) =>
        RunFrom(0, message, frame, call, decided, deadline, timeout);

    private ValueTask RunFrom<TMessage>(int first, TMessage message, FrameIdentity frame, Func<TFilter, TMessage, CancellationToken, ValueTask> call, Func<TMessage, TFilter, bool> decided, FilterDeadline deadline, TimeSpan timeout)
    {
        ulong bit = Bit(frame.ApiVersion);
        for (int f = first; f < _filters.Length; f++)
        {
            if ((_wantedBy[f][frame.ApiKey] & bit) == 0)
            {
                continue;
            }

            var filter = _filters[f];
            bool timed = !_builtIn[f];
            var token = timed ? deadline.Start(timeout) : CancellationToken.None;
            bool waiting = false;
            try
            {
                var pending = call(filter, message, token);
                if (!pending.IsCompleted)
                {
                    waiting = true;
                    return WaitThenRunAsync(pending, f, message, frame, call, decided, deadline, timeout, token);
                }

                pending.GetAwaiter().GetResult(); // done already (or failed): no task, no wait
            }
            catch (OperationCanceledException) when (timed && deadline.Expired)
            {
                return ValueTask.FromException(FilterFailedException.TimedOut(filter.Name, frame, timeout));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return ValueTask.FromException(FilterFailedException.From(filter.Name, frame, ex) ?? ex);
            }
            finally
            {
                if (timed && !waiting)
                {
                    deadline.Stop();
                }
            }

            if (decided(message, filter))
            {
                break;
            }
        }

        return ValueTask.CompletedTask;
    }

    // The filter at `index` is waiting: awaits it within its deadline, then runs the rest of the chain.
    private async ValueTask WaitThenRunAsync<TMessage>(ValueTask pending, int index, TMessage message, FrameIdentity frame, Func<TFilter, TMessage, CancellationToken, ValueTask> call, Func<TMessage, TFilter, bool> decided, FilterDeadline deadline, TimeSpan timeout, CancellationToken token)
    {
        var filter = _filters[index];
        bool timed = !_builtIn[index];
        try
        {
            if (timed)
            {
                await pending.AsTask().WaitAsync(token).ConfigureAwait(false);
            }
            else
            {
                await pending.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timed && deadline.Expired)
        {
            throw FilterFailedException.TimedOut(filter.Name, frame, timeout);
        }
        catch (Exception ex) when (FilterFailedException.From(filter.Name, frame, ex) is { } failed)
        {
            throw failed;
        }
        finally
        {
            if (timed)
            {
                deadline.Stop();
            }
        }

        if (!decided(message, filter))
        {
            await RunFrom(index + 1, message, frame, call, decided, deadline, timeout).ConfigureAwait(false);
        }
    }

    private static ulong Bit(short apiVersion) => 1UL << Math.Min((int)apiVersion, LastVersionBit);
}
