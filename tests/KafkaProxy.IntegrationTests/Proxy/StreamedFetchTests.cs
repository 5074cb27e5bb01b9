using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Confluent.Kafka;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using KafkaProxy.IntegrationTests.Security;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Protocol.Primitives;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.IntegrationTests.Proxy;

/// <summary>
/// Fetch responses (v16 on) that only the address rewriting wants go to the client as they arrive: the proxy holds at
/// most their top-level tagged fields (NodeEndpoints, KIP-951), never the records (issue 18, finding 4).
/// </summary>
public sealed class StreamedFetchTests
{
    private const int HeldLimit = 64 * 1024;

    [Fact]
    public async Task Fetch_EightMegabyteResponse_StreamedHoldingAtMost64KiBWithItsNodeEndpointRewritten()
    {
        byte[] records = new byte[8 << 20];
        new Random(18).NextBytes(records);
        await using var broker = new FetchBroker(port => Body(records, [(1, "127.0.0.1", port)]));
        await using var proxy = await StartProxyAsync(broker);
        await using var client = await ConnectAsync(proxy);

        byte[] response = await client.SendAsync(1, 16, flexible: true, WriteFetchRequest);

        // Same length, same records; the one endpoint is the proxy's listener (as long as the broker's: no padding).
        byte[] original = Body(records, [(1, "127.0.0.1", broker.Port)]);
        var listener = proxy.Engine.Listeners.Single(l => !l.IsDynamic).Advertised;
        Assert.Equal(original.Length, response.Length);
        Assert.True(original.AsSpan(0, original.Length - 40).SequenceEqual(response.AsSpan(0, original.Length - 40)), "the records changed");
        Assert.Equal([(1, listener.Host, listener.Port)], NodeEndpoints(response, records.Length));
        Assert.Equal(1, proxy.Engine.Metrics.StreamedFetches);
        Assert.InRange(proxy.Engine.Metrics.StreamedFetchMostHeld, 0, HeldLimit);
    }

    [Fact]
    public async Task Fetch_NodeEndpointNamesABrokerWithoutListener_StreamWaitsForItsListenerAndPadsTheShorterAddress()
    {
        byte[] records = new byte[3 << 20];
        await using var broker = new FetchBroker(_ => Body(records, [(7, "broker-seven.cluster.internal", 9092)]));
        await using var proxy = await StartProxyAsync(broker);
        await using var client = await ConnectAsync(proxy);

        byte[] response = await client.SendAsync(1, 16, flexible: true, WriteFetchRequest);

        var dynamic = Assert.Single(proxy.Engine.Listeners, l => l.IsDynamic).Advertised;
        Assert.Equal(Body(records, [(7, "broker-seven.cluster.internal", 9092)]).Length, response.Length);
        Assert.Equal([(7, dynamic.Host, dynamic.Port)], NodeEndpoints(response, records.Length));
        Assert.Equal(1, proxy.Engine.Metrics.StreamedFetches);
        Assert.InRange(proxy.Engine.Metrics.StreamedFetchMostHeld, 0, HeldLimit);

        // The connection goes on: a second response streams too.
        await client.SendAsync(1, 16, flexible: true, WriteFetchRequest);
        Assert.Equal(2, proxy.Engine.Metrics.StreamedFetches);
    }

    [Fact]
    public async Task Fetch_SeveralBigRecordSets_EachMovedInTheKernelBetweenWalkedFieldsAndTheResponseIntact()
    {
        // Four partitions of 1.5 MiB: the walker reads each partition's fields, the kernel moves its records, four times
        // in one response, then the walker rewrites the endpoints at the end (issue 18, finding 11).
        var random = new Random(11);
        byte[][] recordSets = [.. Enumerable.Range(0, 4).Select(_ => { var r = new byte[3 << 19]; random.NextBytes(r); return r; })];
        await using var broker = new FetchBroker(port => Body(recordSets, [(1, "127.0.0.1", port)]));
        await using var proxy = await StartProxyAsync(broker);
        await using var client = await ConnectAsync(proxy);

        byte[] first = await client.SendAsync(1, 16, flexible: true, WriteFetchRequest);
        byte[] second = await client.SendAsync(1, 16, flexible: true, WriteFetchRequest);

        byte[] original = Body(recordSets, [(1, "127.0.0.1", broker.Port)]);
        foreach (byte[] response in (byte[][])[first, second])
        {
            Assert.Equal(original.Length, response.Length);
            Assert.True(original.AsSpan(0, original.Length - 40).SequenceEqual(response.AsSpan(0, original.Length - 40)), "the records changed");
            Assert.False(original.AsSpan(original.Length - 40).SequenceEqual(response.AsSpan(original.Length - 40)), "the endpoint was not rewritten");
        }

        Assert.Equal(2, proxy.Engine.Metrics.StreamedFetches);
        Assert.True(proxy.Engine.Metrics.SplicedResponseBytes > 8 * (3 << 19) / 2, $"{proxy.Engine.Metrics.SplicedResponseBytes} bytes moved in the kernel");
    }

    [Fact]
    public async Task Fetch_RewrittenAddressLongerThanTheBrokers_EndpointLeftOutCountedAndLoggedOnce()
    {
        byte[] records = new byte[1 << 20];
        await using var broker = new FetchBroker(port => Body(records, [(1, "127.0.0.1", port)]));
        await using var proxy = await StartProxyAsync(broker, o => o.Brokers[0].Advertised = new HostPort("a-proxy-name-much-longer-than-the-broker.example", 9092));
        await using var client = await ConnectAsync(proxy);

        byte[] first = await client.SendAsync(1, 16, flexible: true, WriteFetchRequest);
        await client.SendAsync(1, 16, flexible: true, WriteFetchRequest);

        Assert.Equal(Body(records, [(1, "127.0.0.1", broker.Port)]).Length, first.Length);
        Assert.Empty(NodeEndpoints(first, records.Length));
        Assert.Equal(2, proxy.Metrics.Sum("proxy_node_endpoints_dropped_total", ("reason", "did_not_fit")));
        Assert.Single(proxy.Logs.Lines, l => l.StartsWith("Debug 1036 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fetch_AUserFilterWantsFetchResponses_ReadWholeForItWithTheEndpointRewrittenBeforeIt()
    {
        byte[] records = new byte[1 << 20];
        await using var broker = new FetchBroker(port => Body(records, [(1, "127.0.0.1", port)]));
        var watching = Filters.ResponseFilter.Watching((key, _) => key == 1);
        await using var proxy = await StartProxyAsync(broker, filters: [watching]);
        await using var client = await ConnectAsync(proxy);

        byte[] response = await client.SendAsync(1, 16, flexible: true, WriteFetchRequest);

        var listener = proxy.Engine.Listeners.Single(l => !l.IsDynamic).Advertised;
        Assert.Equal([(1, listener.Host, listener.Port)], NodeEndpoints(response, records.Length));
        var seen = Assert.Single(watching.Seen);
        Assert.Equal(response[1..], seen.Body); // the filter saw the whole body, addresses already rewritten
        Assert.Equal(0, proxy.Engine.Metrics.StreamedFetches);
    }

    [Fact]
    public async Task ConfluentConsumer_SeveralMegabytesThroughTheProxy_EveryMessageWithFetchResponsesStreamed()
    {
        await using var proxied = await ProxiedCluster.StartAsync();
        proxied.Cluster.CreateTopic("streamed", partitions: 3);
        const int count = 6000;
        string padding = new('x', 1000);
        using (var producer = Clients.Producer(proxied.Cluster.BootstrapServers))
        {
            for (int i = 0; i < count; i++)
            {
                producer.Produce("streamed", new Message<string, string> { Key = $"k{i}", Value = $"{i}:{padding}" });
            }

            Assert.Equal(0, producer.Flush(Clients.Patience));
        }

        using var consumer = Clients.Consumer(proxied.Bootstrap, "streamed-readers");
        consumer.Subscribe("streamed");

        var values = Clients.Consume(consumer, count).Select(r => r.Message.Value).ToHashSet();

        Assert.Equal(count, values.Count);
        Assert.True(proxied.Engine.Metrics.StreamedFetches > 0, "no Fetch response was streamed");
        Assert.InRange(proxied.Engine.Metrics.StreamedFetchMostHeld, 0, HeldLimit);
    }

    // FetchRequest v16: max_wait_ms, min_bytes, max_bytes, isolation_level, session_id, session_epoch, topics (none),
    // forgotten_topics_data (none), rack_id, no tags.
    private static void WriteFetchRequest(ArrayBufferWriter<byte> body)
    {
        body.WriteInt32(500);
        body.WriteInt32(1);
        body.WriteInt32(64 << 20);
        body.WriteInt8(0);
        body.WriteInt32(0);
        body.WriteInt32(-1);
        body.WriteArrayLength(0, compact: true);
        body.WriteArrayLength(0, compact: true);
        body.WriteString("", compact: true);
        body.WriteUnsignedVarInt(0);
    }

    // FetchResponse v16 after the correlation id: header tags, one topic with one partition holding the records, then
    // NodeEndpoints as top-level tag 0.
    private static byte[] Body(byte[] records, (int Node, string Host, int Port)[] endpoints) => Body([records], endpoints);

    // The same with one partition per record set.
    private static byte[] Body(byte[][] recordSets, (int Node, string Host, int Port)[] endpoints)
    {
        var body = new ArrayBufferWriter<byte>();
        body.WriteUnsignedVarInt(0);                  // header tags
        body.WriteInt32(0);                           // throttle_time_ms
        body.WriteInt16(0);                           // error_code
        body.WriteInt32(0);                           // session_id
        body.WriteArrayLength(1, compact: true);
        body.WriteUuid(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"));
        body.WriteArrayLength(recordSets.Length, compact: true);
        for (int partition = 0; partition < recordSets.Length; partition++)
        {
            body.WriteInt32(partition);               // partition_index
            body.WriteInt16(0);                       // error_code
            body.WriteInt64(1000);                    // high_watermark
            body.WriteInt64(1000);                    // last_stable_offset
            body.WriteInt64(0);                       // log_start_offset
            body.WriteArrayLength(-1, compact: true); // aborted_transactions
            body.WriteInt32(-1);                      // preferred_read_replica
            body.WriteBytes(recordSets[partition], compact: true);
            body.WriteUnsignedVarInt(0);              // partition tags
        }

        body.WriteUnsignedVarInt(0);                  // topic tags
        var nodes = new ArrayBufferWriter<byte>();
        nodes.WriteArrayLength(endpoints.Length, compact: true);
        foreach (var (node, host, port) in endpoints)
        {
            nodes.WriteInt32(node);
            nodes.WriteString(host, compact: true);
            nodes.WriteInt32(port);
            nodes.WriteString((string?)null, compact: true); // rack
            nodes.WriteUnsignedVarInt(0);
        }

        body.WriteUnsignedVarInt(1);
        body.WriteUnsignedVarInt(0);
        body.WriteUnsignedVarInt((uint)nodes.WrittenCount);
        body.Write(nodes.WrittenSpan);
        return body.WrittenSpan.ToArray();
    }

    // The NodeEndpoints of a response Body wrote (given after its correlation id), read back from the top-level tags.
    private static List<(int Node, string Host, int Port)> NodeEndpoints(byte[] response, int recordsLength)
    {
        int recordsPrefix = VarInt.SizeOfUnsigned((uint)recordsLength + 1);
        int tail = 1 + 4 + 2 + 4 + 1 + 16 + 1 + 4 + 2 + 8 + 8 + 8 + 1 + 4 + recordsPrefix + recordsLength + 1 + 1;
        var reader = new KafkaReader(new ReadOnlySequence<byte>(response.AsMemory(tail)));
        var found = new List<(int, string, int)>();
        uint fields = reader.ReadUnsignedVarInt();
        for (uint f = 0; f < fields; f++)
        {
            uint tag = reader.ReadUnsignedVarInt();
            uint size = reader.ReadUnsignedVarInt();
            if (tag != 0)
            {
                reader.Skip(size);
                continue;
            }

            int count = reader.ReadArrayLength(compact: true);
            for (int i = 0; i < count; i++)
            {
                int node = reader.ReadInt32();
                string host = reader.ReadString(compact: true)!;
                found.Add((node, host, reader.ReadInt32()));
                reader.SkipString(compact: true);
                reader.SkipTaggedFields();
            }
        }

        Assert.Equal(0, reader.Remaining);
        return found;
    }

    private static async Task<RunningProxy> StartProxyAsync(FetchBroker broker, Action<KafkaProxyOptions>? configure = null, IEnumerable<Core.Filters.IKafkaFilter>? filters = null)
    {
        var options = new KafkaProxyOptions();
        options.Brokers.Add(new BrokerMapping { Upstream = new HostPort("127.0.0.1", broker.Port), Listen = new HostPort("127.0.0.1", 0) });
        configure?.Invoke(options);
        var logs = new CapturingLoggerProvider();
        var metrics = new MetricCapture();
        var engine = new ProxyEngine(Microsoft.Extensions.Options.Options.Create(options), new LoggerFactory([logs]), metrics.Factory, filters: filters);
        await engine.StartAsync();
        return new RunningProxy(engine, logs, metrics);
    }

    private static Task<RawKafkaClient> ConnectAsync(RunningProxy proxy)
    {
        var bootstrap = proxy.Engine.Listeners.Single(l => !l.IsDynamic).LocalEndPoint;
        return RawKafkaClient.ConnectAsync("127.0.0.1", bootstrap.Port);
    }

    /// <summary>A broker that answers every request with the response body its function builds (given its own port), in 16 KiB writes.</summary>
    private sealed class FetchBroker(Func<int, byte[]> body) : LoopbackBroker
    {
        protected override byte[]? Answer(short apiKey, short version, byte[] request) => body(Port);
    }
}
