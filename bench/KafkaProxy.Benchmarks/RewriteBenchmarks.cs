using System.Buffers;
using BenchmarkDotNet.Attributes;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Benchmarks;

/// <summary>Rewriting responses that carry broker addresses into a reused buffer, with cached endpoints (as the engine does).</summary>
[MemoryDiagnoser]
public class RewriteBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(1 << 20);
    private ResponseRewriter _rewriter = null!;
    private ReadOnlySequence<byte> _metadata;
    private ReadOnlySequence<byte> _findCoordinator;
    private ReadOnlySequence<byte> _fetch;

    [GlobalSetup]
    public void Setup()
    {
        _rewriter = new ResponseRewriter(new CachedMapper());
        _metadata = new ReadOnlySequence<byte>(Wire.MetadataResponseV12(topics: 100));
        _findCoordinator = new ReadOnlySequence<byte>(Wire.FindCoordinatorResponseV4());
        _fetch = Segments.Split(Wire.FetchResponseV16(64 * 1024), 17);
    }

    [Benchmark]
    public int MetadataV12_3Brokers_100Topics() => Rewrite(ApiKey.Metadata, 12, _metadata);

    [Benchmark]
    public int FindCoordinatorV4_3Coordinators() => Rewrite(ApiKey.FindCoordinator, 4, _findCoordinator);

    [Benchmark]
    public int FetchV16_64KiBRecords_NodeEndpoints() => Rewrite(ApiKey.Fetch, 16, _fetch);

    private int Rewrite(ApiKey key, short version, ReadOnlySequence<byte> payload)
    {
        _output.ResetWrittenCount();
        return _rewriter.Rewrite((short)key, version, payload, _output);
    }

    private sealed class CachedMapper : IBrokerAddressMapper
    {
        private readonly BrokerEndpoint[] _endpoints = [new("127.0.0.1", 19091), new("127.0.0.1", 19092), new("127.0.0.1", 19093), new("127.0.0.1", 19094)];

        public BrokerEndpoint Map(int nodeId, ReadOnlySpan<byte> hostUtf8, int port) => _endpoints[nodeId & 3];
    }
}
