using BenchmarkDotNet.Attributes;
using KafkaProxy.Core.Filters;
using KafkaProxy.Core.Proxy;

namespace KafkaProxy.Benchmarks;

/// <summary>
/// What the filter work added to a pass-through request with no filter configured, against 1b13834: the request pump
/// asks the (empty) interest table about each frame, and the response pump looks at the oldest request in flight for
/// an answer the proxy gave itself before each response (one lock of <see cref="InFlightRequests"/>). Uncontended here;
/// in the proxy the two pumps take that lock from two threads, so this is a lower bound.
/// </summary>
[MemoryDiagnoser]
public class FilterPassThroughBenchmarks
{
    private readonly InFlightRequests _inFlight = new(capacity: 1024);
    private readonly FilterChains _none = FilterChains.Create([]);

    [GlobalSetup]
    public void Setup()
    {
        if (!_inFlight.TryAdd(new InFlightRequests.Entry(0, 9, 7, 0)) || !PassThroughAdditions())
        {
            throw new InvalidOperationException("the request in flight was not seen as a broker's to answer");
        }
    }

    [Benchmark(Description = "no filter: interest lookup per request + local-answer check per response")]
    public bool PassThroughAdditions() =>
        !_none.Requests.Wants(0, 9) && _inFlight.TryPeek(out var head) && head.LocalResponse is null;
}
