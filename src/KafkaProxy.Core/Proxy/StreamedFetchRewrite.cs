using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using KafkaProxy.Core.Filters;
using KafkaProxy.Core.Filters.BuiltIn;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Core.Proxy;

/// <summary>
/// The response pump's way with a Fetch response (v16 on) that only the address rewriting wants: instead of reading
/// it whole, it goes to the client as its bytes arrive, and only its top-level tagged fields (the NodeEndpoints of
/// KIP-951, at the very end) are held and rewritten into as many bytes (<see cref="StreamingFetchRewriter"/>). A
/// response that names a broker without a listener stops before those fields: the pump has the listener started and
/// hands the same bytes back, as it does for a response it reads whole. One per connection, made on the first such
/// response; used by the response pump alone.
/// </summary>
internal sealed class StreamedFetchRewrite(ConnectionContext context, long connectionId, string broker)
{
    private readonly StreamingFetchRewriter _rewriter = new();
    private IBrokerAddressMapper _mapper = context.AddressBook;
    private InFlightRequests.Entry _request;
    private long _frameLength;
    private UndiscoveredBrokerException? _undiscovered;
    private bool _loggedDrop;

    /// <summary>True while a response is part-way out: the pump hands it every byte it reads until it ends.</summary>
    public bool InProgress => _rewriter.InProgress;

    /// <summary>
    /// True when a response to <paramref name="request"/> can stream: the address rewriting is the only response filter
    /// that wants it, so no filter needs it whole.
    /// </summary>
    public static bool Applies(FilterChain<IKafkaResponseFilter> filters, in InFlightRequests.Entry request, [NotNullWhen(true)] out AddressRewritingFilter? rewriting)
    {
        rewriting = null;
        if (!StreamingFetchRewriter.CanStream(request.ApiKey, request.ApiVersion) || request.LocalResponse is not null)
        {
            return false;
        }

        rewriting = filters.OnlyWanter(request.ApiKey, request.ApiVersion) as AddressRewritingFilter;
        return rewriting is not null;
    }

    /// <summary>Begins the response to <paramref name="request"/>, <paramref name="size"/> bytes after its size prefix, which is the next byte read.</summary>
    public void Start(in InFlightRequests.Entry request, int size, AddressRewritingFilter rewriting)
    {
        _request = request;
        _mapper = rewriting.Mapper;
        _frameLength = 4L + size;
        _rewriter.Start(request.ApiVersion, size);
    }

    /// <summary>
    /// Writes what <paramref name="buffer"/> holds of the response to <paramref name="client"/> and slices it off;
    /// true once the response is out (its request is then the pump's to retire). <paramref name="wrote"/> says whether
    /// anything was written. A broker without a listener leaves the response at its tagged fields, kept for
    /// <see cref="TakeUndiscovered"/>.
    /// </summary>
    public bool Advance(ref ReadOnlySequence<byte> buffer, PipeWriter client, out bool wrote)
    {
        long before = buffer.Length;
        bool done;
        try
        {
            done = _rewriter.Advance(ref buffer, client, _mapper);
        }
        catch (UndiscoveredBrokerException ex)
        {
            // Nothing of the tagged fields was written (every address is mapped first); buffer starts at them.
            _undiscovered = ex;
            done = false;
        }

        wrote = buffer.Length != before || done;
        if (done)
        {
            Finish();
        }

        return done;
    }

    /// <summary>Bytes of the response's records (or a tagged field's data) that may be forwarded without being read next.</summary>
    public long PassOverNext => _rewriter.InProgress ? _rewriter.PassOverNext : 0;

    /// <summary>Counts bytes of <see cref="PassOverNext"/> that went to the client some other way (moved inside the kernel).</summary>
    public void PassedOver(long count) => _rewriter.PassedOver(count);

    /// <summary>The broker without a listener that stopped the response, once; null when none did.</summary>
    public UndiscoveredBrokerException? TakeUndiscovered()
    {
        var undiscovered = _undiscovered;
        _undiscovered = null;
        return undiscovered;
    }

    private void Finish()
    {
        var metrics = context.Metrics;
        metrics.Response(broker, _request.ApiKey, _frameLength, _request.StartTimestamp);
        metrics.FetchStreamed(_rewriter.MostHeld);
        if (_rewriter.Dropped > 0 || _rewriter.TailReplaced)
        {
            string reason = _rewriter.TailReplaced ? "tail_too_long" : "did_not_fit";
            metrics.NodeEndpointsDropped(reason);
            if (!_loggedDrop)
            {
                _loggedDrop = true;
                Log.NodeEndpointsDropped(context.Loggers.Connections, connectionId, broker, reason);
            }
        }
    }
}
