using System.Buffers.Binary;
using System.Collections.Concurrent;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.IntegrationTests.Filters;

/// <summary>
/// A filter sends requests of its own to the broker (KafkaRequest.SendToBrokerAsync) and reads the answers, between
/// the client's requests: the client never sees them, its own answers keep their order and correlation ids.
/// </summary>
public sealed class OwnRequestTests
{
    private const short Produce = 0;
    private const short Metadata = 3;
    private const short ApiVersions = 18;

    [Fact]
    public async Task FilterAsksTheBrokerBeforeEachProduce_RealProducerAndConsumer_EverythingArrives()
    {
        // Before each Produce the filter asks the broker for the topic's metadata (v1) and counts its partitions.
        var partitionsSeen = new ConcurrentQueue<int>();
        var asking = new LambdaFilter("ask", (key, _) => key == Produce, async (request, token) =>
        {
            var body = await request.SendToBrokerAsync(Metadata, 1, MetadataRequestV1("orders"), token);
            partitionsSeen.Enqueue(PartitionsOfFirstTopic(body.ToArray()));
        });
        await using var proxied = await ProxiedCluster.StartAsync(filters: [asking]);

        RoundTrip.ProduceAndConsume(proxied, "orders", 200, "own-requests");

        Assert.NotEmpty(partitionsSeen);
        Assert.All(partitionsSeen, n => Assert.Equal(3, n));
    }

    [Fact]
    public async Task FilterSendsItsOwnRequest_PipelinedClientAnswersKeepTheirOrderAndIds()
    {
        byte[]? ownAnswer = null;
        var asking = new LambdaFilter("ask", (key, _) => key == ApiVersions, async (request, token) =>
            ownAnswer = (await request.SendToBrokerAsync(Metadata, 1, MetadataRequestV1("orders"), token)).ToArray());
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, filters: [asking]);
        proxied.Cluster.CreateTopic("orders", partitions: 2);
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        var stream = raw.Stream;

        await stream.WriteAsync(RawFrames.Request(Metadata, 1, correlationId: 1, w => KafkaWriter.WriteInt32(w, -1)));
        await stream.WriteAsync(RawFrames.Request(ApiVersions, 0, correlationId: 2, _ => { }));
        await stream.WriteAsync(RawFrames.Request(Metadata, 1, correlationId: 3, w => KafkaWriter.WriteInt32(w, -1)));
        var answers = new List<(int CorrelationId, byte[] Body)>();
        for (int i = 0; i < 3; i++)
        {
            answers.Add(await RawFrames.ReadResponseAsync(stream));
        }

        Assert.Equal([1, 2, 3], answers.Select(a => a.CorrelationId));
        Assert.Equal(0, BinaryPrimitives.ReadInt16BigEndian(answers[1].Body)); // the client's ApiVersions, answered by the broker
        Assert.NotNull(ownAnswer);
        Assert.Equal(2, PartitionsOfFirstTopic(ownAnswer));
        await raw.SendAsync(ApiVersions, 0, flexible: false, _ => { }); // and the connection carries on
    }

    [Fact]
    public async Task FilterSendsAfterItReturned_Refused()
    {
        Core.Filters.KafkaRequest? kept = null;
        var keeping = new LambdaFilter("keep", (key, _) => key == ApiVersions, (request, _) =>
        {
            kept = request;
            return ValueTask.CompletedTask;
        });
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, filters: [keeping]);
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        await raw.SendAsync(ApiVersions, 0, flexible: false, _ => { });

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => kept!.SendToBrokerAsync(Metadata, 1, MetadataRequestV1("orders"), CancellationToken.None));

        Assert.Contains("while it runs", ex.Message, StringComparison.Ordinal);
    }

    // Metadata v1 request body: one topic by name.
    private static byte[] MetadataRequestV1(string topic)
    {
        var body = new System.Buffers.ArrayBufferWriter<byte>();
        body.WriteInt32(1);
        body.WriteString(topic, compact: false);
        return body.WrittenSpan.ToArray();
    }

    // Metadata v1 response body: skips the brokers and the controller id, returns the partition count of the first topic.
    private static int PartitionsOfFirstTopic(byte[] body)
    {
        int offset = 0;
        int brokers = BinaryPrimitives.ReadInt32BigEndian(body);
        offset += 4;
        for (int i = 0; i < brokers; i++)
        {
            offset += 4;
            offset += 2 + BinaryPrimitives.ReadInt16BigEndian(body.AsSpan(offset));
            offset += 4;
            offset += 2 + Math.Max((short)0, BinaryPrimitives.ReadInt16BigEndian(body.AsSpan(offset)));
        }

        offset += 4; // controller id
        offset += 4; // topic count
        short error = BinaryPrimitives.ReadInt16BigEndian(body.AsSpan(offset));
        Assert.Equal(0, error);
        offset += 2;
        offset += 2 + BinaryPrimitives.ReadInt16BigEndian(body.AsSpan(offset)); // name
        offset += 1; // is_internal
        return BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(offset));
    }
}
