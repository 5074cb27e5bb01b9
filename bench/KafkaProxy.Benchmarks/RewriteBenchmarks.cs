using System.Buffers;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Filters;
using KafkaProxy.Core.Filters.BuiltIn;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Benchmarks;

/// <summary>
/// Rewriting responses that carry broker addresses into a reused buffer, with a mapper that hands out cached
/// endpoints (as the engine's address book does). Every broker address is replaced. The filter path runs the
/// address-rewriting filter as the engine does (edits on a reused response, written from the input bytes).
/// </summary>
[MemoryDiagnoser]
public class RewriteBenchmarks
{
    // Large enough for every rewritten frame, so the writer never grows during a measurement.
    private readonly ArrayBufferWriter<byte> _output = new(1 << 20);
    private ResponseRewriter _rewriter = null!;
    private ReadOnlySequence<byte> _metadata;
    private ReadOnlySequence<byte> _findCoordinator;
    private ReadOnlySequence<byte> _fetch;
    private FilterChains _chains = null!;
    private KafkaResponse _response = null!;
    private FilterDeadline _deadline = null!;

    [GlobalSetup]
    public void Setup()
    {
        var mapper = new CachedMapper();
        _rewriter = new ResponseRewriter(mapper);
        _chains = FilterChains.Create([new AddressRewritingFilter(mapper)]);
        _response = new KafkaResponse(new KafkaConnectionInfo(1, null, new HostPort("b-1.kafka.internal.example", 9092), null));
        _deadline = new FilterDeadline(TimeProvider.System);
        _metadata = new ReadOnlySequence<byte>(Wire.MetadataResponseV12(topics: 100, partitionsPerTopic: 3));
        _findCoordinator = new ReadOnlySequence<byte>(Wire.FindCoordinatorResponseV4());

        // A pipe hands 64 KiB over in segments of about 4 KiB: 17 of them here.
        _fetch = Segments.Split(Wire.FetchResponseV16(recordBytes: 64 * 1024), 17);

        Check(MetadataV12_3Brokers_100Topics());
        Check(FindCoordinatorV4_3Coordinators());
        Check(FetchV16_64KiBRecords_NodeEndpoints());

        // The filter path must write exactly what the rewriter writes.
        Rewrite(ApiKey.Metadata, 12, _metadata);
        byte[] rewritten = _output.WrittenSpan.ToArray();
        MetadataV12_3Brokers_100Topics_FilterPath();
        if (!_output.WrittenSpan.SequenceEqual(rewritten))
        {
            throw new InvalidOperationException("the address-rewriting filter wrote other bytes than the rewriter");
        }
    }

    [Benchmark]
    public int MetadataV12_3Brokers_100Topics() => Rewrite(ApiKey.Metadata, 12, _metadata);

    /// <summary>The same rewrite as the engine does it: the address-rewriting filter's edits on a reused response, written from the input.</summary>
    [Benchmark]
    public long MetadataV12_3Brokers_100Topics_FilterPath()
    {
        // Response header v1: correlation id and an empty tagged-field section.
        const int HeaderLength = 5;
        _output.ResetWrittenCount();
        _response.Reset((short)ApiKey.Metadata, 12, 7, _metadata.Slice(0, HeaderLength), _metadata.Slice(HeaderLength), answeredByProxy: false);
        var running = _chains.RunAsync(_response, _deadline, TimeSpan.FromSeconds(10));
        if (!running.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("the address-rewriting filter waited");
        }

        running.GetAwaiter().GetResult();
        return _response.WriteTo(_output);
    }

    [Benchmark]
    public int FindCoordinatorV4_3Coordinators() => Rewrite(ApiKey.FindCoordinator, 4, _findCoordinator);

    [Benchmark]
    public int FetchV16_64KiBRecords_NodeEndpoints() => Rewrite(ApiKey.Fetch, 16, _fetch);

    private int Rewrite(ApiKey key, short version, in ReadOnlySequence<byte> payload)
    {
        _output.ResetWrittenCount();
        return _rewriter.Rewrite((short)key, version, payload, _output);
    }

    // Every input names the three brokers once; a rewrite that replaced fewer measured the wrong thing.
    private void Check(int addresses)
    {
        int size = BinaryPrimitives.ReadInt32BigEndian(_output.WrittenSpan);
        if (addresses != Wire.Brokers.Length || size != _output.WrittenCount - 4)
        {
            throw new InvalidOperationException($"rewrite replaced {addresses} addresses and wrote a frame of {_output.WrittenCount} bytes with size {size}");
        }
    }

    private sealed class CachedMapper : IBrokerAddressMapper
    {
        // Indexed by node id (1-3); created once, as the address book creates one endpoint per broker.
        private readonly BrokerEndpoint[] _endpoints = [new("127.0.0.1", 19090), new("127.0.0.1", 19091), new("127.0.0.1", 19092), new("127.0.0.1", 19093)];

        public BrokerEndpoint Map(int nodeId, ReadOnlySpan<byte> hostUtf8, int port) =>
            (uint)nodeId < (uint)_endpoints.Length ? _endpoints[nodeId] : throw new InvalidOperationException($"no endpoint for node {nodeId}");
    }
}
