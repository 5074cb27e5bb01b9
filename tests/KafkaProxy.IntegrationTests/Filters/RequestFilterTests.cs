using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Confluent.Kafka;
using KafkaProxy.Core.Filters;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Protocol.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace KafkaProxy.IntegrationTests.Filters;

/// <summary>
/// Request filters through real sockets: what a filter wants is read whole and decided on (forwarded as it is or
/// changed, answered by the proxy in request order, dropped, or the connection closed); a filter that throws or
/// stalls closes only its connection.
/// </summary>
public sealed class RequestFilterTests
{
    private const short Metadata = 3;
    private const short ApiVersions = 18;

    [Fact]
    public async Task FilterWantingEveryRequest_RealProducerAndConsumer_RoundTripThroughIt()
    {
        var watch = LambdaFilter.Watching((_, _) => true);
        await using var proxied = await ProxiedCluster.StartAsync(filters: [watch]);

        RoundTrip.ProduceAndConsume(proxied, "orders", 300, "filtered-group");

        RoundTrip.AssertClientApisSeen(watch.Seen.Select(s => s.ApiKey));
    }

    [Fact]
    public async Task FilterAnswersItself_ResponsesStayInRequestOrder()
    {
        // ApiVersions v0 answered by the proxy (error 0, no api keys); the Metadata on either side go to a slow broker.
        byte[] canned = [0, 0, 0, 0, 0, 0];
        var answering = new LambdaFilter("answer", (key, _) => key == ApiVersions, (request, _) =>
        {
            request.Respond(canned);
            return ValueTask.CompletedTask;
        });
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, filters: [answering]);
        proxied.Cluster.SetBrokerLatency(1, TimeSpan.FromMilliseconds(300));
        var listener = proxied.Engine.Listeners[0].Advertised;
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(listener.Host, listener.Port);
        var stream = socket.GetStream();

        await stream.WriteAsync(RawFrames.Request(Metadata, 1, correlationId: 1, w => KafkaWriter.WriteInt32(w, -1)));
        await stream.WriteAsync(RawFrames.Request(ApiVersions, 0, correlationId: 2, _ => { }));
        await stream.WriteAsync(RawFrames.Request(Metadata, 1, correlationId: 3, w => KafkaWriter.WriteInt32(w, -1)));
        var responses = new List<(int CorrelationId, byte[] Body)>();
        for (int i = 0; i < 3; i++)
        {
            responses.Add(await RawFrames.ReadResponseAsync(stream));
        }

        Assert.Equal([1, 2, 3], responses.Select(r => r.CorrelationId));
        Assert.Equal(canned, responses[1].Body);
        Assert.Single(answering.Seen);
    }

    [Fact]
    public async Task FilterReplacesTheBody_BrokerAnswersTheChangedRequest()
    {
        // Metadata v1 for every topic becomes Metadata for "alpha" only.
        var narrowing = new LambdaFilter("narrow", (key, version) => key == Metadata && version == 1, (request, _) =>
        {
            var body = new ArrayBufferWriter<byte>();
            body.WriteInt32(1);
            body.WriteString("alpha", compact: false);
            request.Forward(body.WrittenMemory);
            return ValueTask.CompletedTask;
        });
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, filters: [narrowing]);
        proxied.Cluster.CreateTopic("alpha");
        proxied.Cluster.CreateTopic("beta");
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        byte[] response = await raw.SendAsync(Metadata, 1, flexible: false, w => KafkaWriter.WriteInt32(w, -1));

        string text = Encoding.ASCII.GetString(response);
        Assert.Contains("alpha", text, StringComparison.Ordinal);
        Assert.DoesNotContain("beta", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilterDropsProduceWithoutAcks_NothingReachesTheTopic()
    {
        var dropping = new LambdaFilter("drop", (key, _) => key == 0, (request, _) =>
        {
            if (!request.ExpectsResponse)
            {
                request.Drop();
            }

            return ValueTask.CompletedTask;
        });
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, filters: [dropping]);
        proxied.Cluster.CreateTopic("fire-and-forget");

        using (var producer = Clients.Producer(proxied.Bootstrap, Acks.None, idempotent: false))
        {
            Clients.ProduceNumbered(producer, "fire-and-forget", 20);
        }

        Assert.NotEmpty(dropping.Seen);
        using var direct = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = proxied.Cluster.BootstrapServers, GroupId = "watermarks" }).Build();
        var watermarks = direct.QueryWatermarkOffsets(new TopicPartition("fire-and-forget", 0), Clients.Patience);
        Assert.Equal(0, watermarks.High.Value);
    }

    [Fact]
    public async Task FilterCloses_ConnectionClosesWithItsReason_OthersCarryOn()
    {
        var closing = new LambdaFilter("closer", (key, _) => key == Metadata, (request, _) =>
        {
            if (request.ClientId == "raw-test")
            {
                request.Close("raw clients may not list the cluster");
            }

            return ValueTask.CompletedTask;
        });
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, filters: [closing]);
        proxied.Cluster.CreateTopic("orders");
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        var refused = await Record.ExceptionAsync(() => raw.SendAsync(Metadata, 1, flexible: false, w => KafkaWriter.WriteInt32(w, -1)));

        Assert.True(refused is EndOfStreamException or IOException, $"expected a closed connection, got {refused}");
        await proxied.Logs.WaitForLineAsync("filter 'closer' closed the connection: raw clients may not list the cluster");
        using var producer = Clients.Producer(proxied.Bootstrap);
        Clients.ProduceNumbered(producer, "orders", 5);
    }

    [Fact]
    public async Task FilterThrows_OnlyItsConnectionCloses_LoggedWithTheFiltersName()
    {
        var throwing = new LambdaFilter("boom", (key, _) => key == Metadata, (request, _) =>
            request.ClientId == "raw-test" ? throw new InvalidDataException("a bug in the filter") : ValueTask.CompletedTask);
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, filters: [throwing]);
        proxied.Cluster.CreateTopic("orders");
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        var refused = await Record.ExceptionAsync(() => raw.SendAsync(Metadata, 1, flexible: false, w => KafkaWriter.WriteInt32(w, -1)));

        Assert.True(refused is EndOfStreamException or IOException, $"expected a closed connection, got {refused}");
        string line = await proxied.Logs.WaitForLineAsync("filter 'boom' failed on api key 3 v1");
        Assert.Contains("InvalidDataException: a bug in the filter", line, StringComparison.Ordinal);
        Assert.StartsWith("Warning 1005 ", line, StringComparison.Ordinal); // a reason the connection closed, not "failed unexpectedly"
        Assert.DoesNotContain(proxied.Logs.Lines, l => l.Contains(" 1008 ", StringComparison.Ordinal));
        using var producer = Clients.Producer(proxied.Bootstrap);
        Clients.ProduceNumbered(producer, "orders", 5);
    }

    [Fact]
    public async Task FilterStalls_PastItsDeadline_ConnectionCloses()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // Ignores its token, as a stuck filter would: the deadline still ends the wait.
        var stalling = new LambdaFilter("stall", (key, _) => key == Metadata, (_, _) => new ValueTask(Task.Delay(Timeout.InfiniteTimeSpan, CancellationToken.None)));
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, time: clock, filters: [stalling]);
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        var request = raw.SendAsync(Metadata, 1, flexible: false, w => KafkaWriter.WriteInt32(w, -1));
        await Eventually.TrueAsync(() => !stalling.Seen.IsEmpty, () => "the filter never saw the request");
        clock.Advance(TimeSpan.FromSeconds(11));
        var refused = await Record.ExceptionAsync(() => request);

        Assert.True(refused is EndOfStreamException or IOException, $"expected a closed connection, got {refused}");
        await proxied.Logs.WaitForLineAsync("filter 'stall' failed on api key 3 v1 (correlation id 1): it did not finish within 00:00:10");
    }
}
