using System.Buffers;
using System.Net;
using BenchmarkDotNet.Attributes;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Filters;
using KafkaProxy.Core.Filters.Policies;
using KafkaProxy.Protocol.Frames;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Benchmarks;

/// <summary>
/// What the policy filter adds per Produce request (<c>--policy-require-acks all --policy-allowed-compression
/// none,lz4</c>), on a Produce v9 request as librdkafka sends one: one batch of 40 records of 100 B, 4.6 KiB, which
/// passes. <see cref="PolicyFilter_Produce"/> is the filter's own work (decode the request, walk its batch headers,
/// check the rules); <see cref="FilterStep_Produce"/> is what the request pump does for a request a filter wants before
/// it forwards it (read the client id, build the request, run the chain with its deadline). Not measured here: waiting
/// for the whole frame and the flushes around it (the end-to-end comparison in bench/filters.sh has those). With no
/// filter a frame costs one lookup in an empty table, too little for a benchmark to tell from nothing.
/// </summary>
[MemoryDiagnoser]
public class PolicyFilterBenchmarks
{
    private const int Records = 40;
    private const int ValueBytes = 100;

    // As the proxy's connections give it (KafkaProxy:FilterTimeout's default).
    private static readonly TimeSpan FilterTimeout = TimeSpan.FromSeconds(10);

    // One per connection and direction in the proxy, reused by every filtered frame.
    private readonly FilterDeadline _deadline = new(TimeProvider.System);

    private readonly KafkaConnectionInfo _connection = new(1, new IPEndPoint(IPAddress.Loopback, 50000), new HostPort("127.0.0.1", 9092), new IPEndPoint(IPAddress.Loopback, 19092));
    private PolicyFilter _filter = null!;
    private FilterChains _chain = null!;
    private ReadOnlySequence<byte> _payload;
    private RequestHeader _header;
    private string? _clientId;
    private ReadOnlySequence<byte> _headerBytes;
    private ReadOnlySequence<byte> _body;

    /// <summary>
    /// The frame in one segment, or cut where a pipe's 4 KiB segments would end if it started 1,000 bytes into one
    /// (a request pump sees the latter).
    /// </summary>
    [Params("one segment", "pipe segments")]
    public string Shape { get; set; } = "one segment";

    [GlobalSetup]
    public void Setup()
    {
        var options = new PolicyOptions { RequireAcks = -1 };
        options.AllowedCompression.Add("none");
        options.AllowedCompression.Add("lz4");
        _filter = new PolicyFilter(options);
        _chain = FilterChains.Create([_filter]);

        byte[] frame = Wire.ProduceRequestFrameWithBatch(Wire.ProduceAcks, Records, ValueBytes);
        var sequence = Shape == "one segment" ? new ReadOnlySequence<byte>(frame) : Segments.SplitAt(frame, 3096);
        _payload = sequence.Slice(KafkaFrame.SizePrefixLength);
        _header = RequestHeader.Read(_payload);
        var reader = new KafkaReader(_payload, _header.ApiKey, _header.ApiVersion);
        _clientId = _header.ReadClientId(ref reader);
        _headerBytes = _payload.Slice(0, reader.Consumed);
        _body = _payload.Slice(reader.Consumed);

        // The benchmark request passes; the same request with acks=1 is refused, so the rules really run.
        if (!PolicyFilter_Produce() || !FilterStep_Produce())
        {
            throw new InvalidOperationException("the benchmark Produce request did not pass the policy");
        }

        var refused = new ReadOnlySequence<byte>(Wire.ProduceRequestFrameWithBatch(1, Records, ValueBytes)).Slice(KafkaFrame.SizePrefixLength);
        var refusedRequest = new KafkaRequest(_header, _clientId, _headerBytes, refused.Slice(_headerBytes.Length), expectsResponse: true, _connection);
        Completed(_filter.OnRequestAsync(refusedRequest, CancellationToken.None));
        if (refusedRequest.Decision != RequestDecision.Respond)
        {
            throw new InvalidOperationException("a Produce with acks=1 was not refused: the policy does not run");
        }
    }

    [Benchmark(Description = "policy filter: decode and check one Produce")]
    public bool PolicyFilter_Produce()
    {
        var request = new KafkaRequest(_header, _clientId, _headerBytes, _body, expectsResponse: true, _connection);
        Completed(_filter.OnRequestAsync(request, CancellationToken.None));
        return request.Decision == RequestDecision.Forward;
    }

    [Benchmark(Description = "filter step: client id, request, chain with deadline")]
    public bool FilterStep_Produce()
    {
        // As ProxyConnection.FilterRequestAsync does before it forwards the frame.
        var reader = new KafkaReader(_payload, _header.ApiKey, _header.ApiVersion);
        string? clientId = _header.ReadClientId(ref reader);
        long headerLength = reader.Consumed;
        var request = new KafkaRequest(_header, clientId, _payload.Slice(0, headerLength), _payload.Slice(headerLength), expectsResponse: true, _connection);
        Completed(_chain.RunAsync(request, _deadline, FilterTimeout));
        return request.Decision == RequestDecision.Forward;
    }

    // The policy filter finishes synchronously, and so does the chain around it: nothing here waits.
    private static void Completed(ValueTask work)
    {
        if (!work.IsCompleted)
        {
            throw new InvalidOperationException("the filter did not finish synchronously");
        }

        work.GetAwaiter().GetResult();
    }
}
