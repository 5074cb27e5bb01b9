namespace KafkaProxy.Core.Filters;

/// <summary>
/// The request filters of an engine, in their order, with the table that says per api key and version whether any
/// wants a request: built once at start, so that a frame no filter wants costs one array lookup. Versions from 63 up
/// share the last bit, so a filter that wants every version also sees versions newer than this proxy knows.
/// </summary>
internal sealed class RequestFilterChain
{
    // Api keys this table covers; a request with a larger key is not one a filter can know, and passes through.
    private const int ApiKeys = 128;
    private const int LastVersionBit = 63;

    private readonly IKafkaRequestFilter[] _filters;
    private readonly ulong[][] _wantedBy; // per filter: per api key, a bit per version
    private readonly ulong[] _wanted;     // any filter

    private RequestFilterChain(IKafkaRequestFilter[] filters)
    {
        _filters = filters;
        _wantedBy = new ulong[filters.Length][];
        _wanted = filters.Length == 0 ? [] : new ulong[ApiKeys];
        for (int f = 0; f < filters.Length; f++)
        {
            _wantedBy[f] = new ulong[ApiKeys];
            for (short key = 0; key < ApiKeys; key++)
            {
                for (short version = 0; version <= LastVersionBit; version++)
                {
                    // The last bit asks about the newest version there can be.
                    if (filters[f].WantsRequest(key, version == LastVersionBit ? short.MaxValue : version))
                    {
                        _wantedBy[f][key] |= 1UL << version;
                    }
                }

                _wanted[key] |= _wantedBy[f][key];
            }
        }
    }

    public static RequestFilterChain Empty { get; } = new([]);

    public bool IsEmpty => _filters.Length == 0;

    public static RequestFilterChain Create(IEnumerable<IKafkaRequestFilter> filters) => new([.. filters]);

    /// <summary>Whether some filter wants requests of this api key and version: one lookup.</summary>
    public bool Wants(short apiKey, short apiVersion) =>
        (uint)apiKey < (uint)_wanted.Length && apiVersion >= 0 && (_wanted[apiKey] & Bit(apiVersion)) != 0;

    /// <summary>
    /// Runs the filters that want <paramref name="request"/>, in order, each within <paramref name="timeout"/>, until one
    /// answers, drops or closes it.
    /// </summary>
    /// <exception cref="FilterFailedException">A filter threw or ran past the timeout.</exception>
    public async ValueTask RunAsync(KafkaRequest request, TimeSpan timeout, TimeProvider time)
    {
        ulong bit = Bit(request.ApiVersion);
        for (int f = 0; f < _filters.Length; f++)
        {
            if ((_wantedBy[f][request.ApiKey] & bit) == 0)
            {
                continue;
            }

            var filter = _filters[f];
            request.CurrentFilter = filter.Name;
            using var deadline = new CancellationTokenSource(timeout, time);
            try
            {
                await filter.OnRequestAsync(request, deadline.Token).AsTask().WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new FilterFailedException(filter.Name, request, $"it did not finish within {timeout}", inner: null);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new FilterFailedException(filter.Name, request, $"it threw {ex.GetType().Name}: {ex.Message}", ex);
            }

            if (request.Decision != RequestDecision.Forward)
            {
                return;
            }
        }
    }

    private static ulong Bit(short apiVersion) => 1UL << Math.Min((int)apiVersion, LastVersionBit);
}
