using System.Buffers;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Filters;
using KafkaProxy.Core.Filters.BuiltIn;
using KafkaProxy.Core.Proxy;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Rewriting;
using Microsoft.Extensions.Time.Testing;

namespace KafkaProxy.Core.Tests.Filters;

public sealed class AddressRewritingFilterTests
{
    private const int CorrelationId = 7;
    private static readonly (int Node, string Host)[] Brokers = [(1, "b-1.kafka.internal"), (2, "b-2.kafka.internal"), (3, "b-3.kafka.internal")];

    private readonly BrokerAddressBook _book = new(dynamicListeners: true);
    private readonly KafkaResponse _response = new(new KafkaConnectionInfo(1, null, HostPort.Parse("b-1.kafka.internal:9092"), null));
    private readonly FilterDeadline _deadline = new(new FakeTimeProvider());
    private readonly ArrayBufferWriter<byte> _output = new(1 << 16);

    public AddressRewritingFilterTests()
    {
        foreach (var (node, host) in Brokers)
        {
            _book.Add(new HostPort(host, 9092), new BrokerEndpoint("127.0.0.1", 19090 + node));
        }
    }

    [Theory]
    [InlineData((short)12, 5)]   // Metadata v12: compact strings, header v1
    [InlineData((short)0, 4)]    // FindCoordinator v0: a plain string, header v0
    public void OnResponse_AddressesInTheBody_WritesWhatTheRewriterWrites(short version, int headerLength)
    {
        var (apiKey, payload) = version == 12 ? ((short)ApiKey.Metadata, MetadataV12()) : ((short)ApiKey.FindCoordinator, FindCoordinatorV0());
        var chains = FilterChains.Create([new AddressRewritingFilter(_book)]);

        Filter(chains, apiKey, version, payload, headerLength);

        var expected = new ArrayBufferWriter<byte>();
        int addresses = new ResponseRewriter(_book).Rewrite(apiKey, version, new ReadOnlySequence<byte>(payload), expected);
        Assert.True(addresses > 0);
        Assert.True(_response.HasEdits);
        Assert.Equal(expected.WrittenSpan.ToArray(), _output.WrittenSpan.ToArray());
    }

    [Fact]
    public void OnResponse_RewrittenMetadataAfterWarmUp_AllocatesNothing()
    {
        var chains = FilterChains.Create([new AddressRewritingFilter(_book)]);
        byte[] payload = MetadataV12();
        for (int i = 0; i < 3; i++)
        {
            Filter(chains, (short)ApiKey.Metadata, 12, payload, 5);
        }

        // No assertion inside the measured loop: the test framework's own allocate.
        int completed = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            completed += FilterUnchecked(chains, (short)ApiKey.Metadata, 12, payload, 5) ? 1 : 0;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(100, completed);
        Assert.Equal(0, allocated);
        Assert.True(_response.HasEdits);
    }

    [Fact]
    public void OnResponse_TooNewApiVersions_GetsTheFallbackBody()
    {
        var chains = FilterChains.Create([new AddressRewritingFilter(_book)]);
        var w = new ArrayBufferWriter<byte>();
        w.WriteInt32(CorrelationId);
        w.WriteInt16(0);                 // error_code: none, in a layout the proxy cannot read
        w.WriteUnsignedVarInt(1);        // api_keys: none
        w.WriteInt32(0);                 // throttle_time_ms
        w.WriteUnsignedVarInt(0);        // tagged fields

        Filter(chains, (short)ApiKey.ApiVersions, short.MaxValue, w.WrittenSpan.ToArray(), 4);

        var expected = new ArrayBufferWriter<byte>();
        ApiVersionsFallback.Write(new ReadOnlySequence<byte>(w.WrittenMemory), expected);
        Assert.Equal(expected.WrittenSpan.ToArray(), _output.WrittenSpan.ToArray());
    }

    [Fact]
    public void OnResponse_AnsweredByProxy_PassesUnchanged()
    {
        var chains = FilterChains.Create([new AddressRewritingFilter(_book)]);
        byte[] payload = MetadataV12();

        _response.Reset((short)ApiKey.Metadata, 12, CorrelationId, new ReadOnlySequence<byte>(payload, 0, 5), new ReadOnlySequence<byte>(payload, 5, payload.Length - 5), answeredByProxy: true);
        CompletedAtOnce(chains.RunAsync(_response, _deadline, TimeSpan.FromSeconds(5)));

        Assert.False(_response.HasEdits);
        Assert.False(_response.BodyReplaced);
    }

    [Fact]
    public void OnResponse_ABrokerWithoutAListener_ThrowsUndiscoveredUnwrappedBeforeAnyEdit()
    {
        var book = new BrokerAddressBook(dynamicListeners: true);
        book.Add(new HostPort(Brokers[0].Host, 9092), new BrokerEndpoint("127.0.0.1", 19091));
        var chains = FilterChains.Create([new AddressRewritingFilter(book)]);
        byte[] payload = MetadataV12();
        _response.Reset((short)ApiKey.Metadata, 12, CorrelationId, new ReadOnlySequence<byte>(payload, 0, 5), new ReadOnlySequence<byte>(payload, 5, payload.Length - 5), answeredByProxy: false);

        var ex = Assert.Throws<UndiscoveredBrokerException>(() => CompletedAtOnce(chains.RunAsync(_response, _deadline, TimeSpan.FromSeconds(5)), expectFault: true));
        Assert.Equal(2, ex.NodeId);
        Assert.False(_response.HasEdits);
    }

    private void Filter(FilterChains chains, short apiKey, short version, byte[] payload, int headerLength) =>
        Assert.True(FilterUnchecked(chains, apiKey, version, payload, headerLength));

    // Runs the chain on the payload and writes the frame the client would get into _output; false if the chain waited.
    private bool FilterUnchecked(FilterChains chains, short apiKey, short version, byte[] payload, int headerLength)
    {
        _response.Reset(apiKey, version, CorrelationId, new ReadOnlySequence<byte>(payload, 0, headerLength), new ReadOnlySequence<byte>(payload, headerLength, payload.Length - headerLength), answeredByProxy: false);
        var running = chains.RunAsync(_response, _deadline, TimeSpan.FromSeconds(5));
        if (!running.IsCompletedSuccessfully)
        {
            return false;
        }

        running.GetAwaiter().GetResult();
        _output.ResetWrittenCount();
        _response.WriteTo(_output);
        return true;
    }

    // The address rewriting never waits: the chain finishes before it returns.
    private static void CompletedAtOnce(ValueTask running, bool expectFault = false)
    {
        Assert.True(running.IsCompleted);
        Assert.Equal(expectFault, running.IsFaulted);
        running.GetAwaiter().GetResult();
    }

    // MetadataResponse v12 (flexible, header v1): the three brokers, then 20 topics of 3 partitions.
    private static byte[] MetadataV12()
    {
        var w = new ArrayBufferWriter<byte>();
        w.WriteInt32(CorrelationId);
        w.WriteUnsignedVarInt(0);                    // header tagged fields
        w.WriteInt32(0);                             // throttle_time_ms
        w.WriteArrayLength(Brokers.Length, compact: true);
        foreach (var (node, host) in Brokers)
        {
            w.WriteInt32(node);
            w.WriteString(host, compact: true);
            w.WriteInt32(9092);
            w.WriteString((string?)null, compact: true); // rack
            w.WriteUnsignedVarInt(0);
        }

        w.WriteString("cluster", compact: true);
        w.WriteInt32(1);                             // controller_id
        w.WriteArrayLength(20, compact: true);
        for (int t = 0; t < 20; t++)
        {
            w.WriteInt16(0);
            w.WriteString($"topic-{t}", compact: true);
            w.WriteUuid(Guid.Empty);
            w.WriteBool(false);
            w.WriteArrayLength(3, compact: true);
            for (int p = 0; p < 3; p++)
            {
                w.WriteInt16(0);
                w.WriteInt32(p);
                w.WriteInt32((p % 3) + 1);           // leader_id
                w.WriteInt32(0);                     // leader_epoch
                w.WriteArrayLength(0, compact: true); // replica_nodes
                w.WriteArrayLength(0, compact: true); // isr_nodes
                w.WriteArrayLength(0, compact: true); // offline_replicas
                w.WriteUnsignedVarInt(0);
            }

            w.WriteInt32(int.MinValue);              // topic_authorized_operations
            w.WriteUnsignedVarInt(0);
        }

        w.WriteUnsignedVarInt(0);
        return w.WrittenSpan.ToArray();
    }

    // FindCoordinatorResponse v0 (header v0): error_code, node_id, host, port.
    private static byte[] FindCoordinatorV0()
    {
        var w = new ArrayBufferWriter<byte>();
        w.WriteInt32(CorrelationId);
        w.WriteInt16(0);
        w.WriteInt32(2);
        w.WriteString(Brokers[1].Host, compact: false);
        w.WriteInt32(9092);
        return w.WrittenSpan.ToArray();
    }
}
