using System.Buffers.Binary;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.IntegrationTests.Filters;

/// <summary>
/// Response filters through real sockets: they see whole responses as the client will get them (broker addresses
/// already the proxy's), the proxy's own answers included; they may replace a body or close the connection; a slow one
/// keeps response order; one that throws closes only its connection.
/// </summary>
public sealed class ResponseFilterTests
{
    private const short Metadata = 3;
    private const short ApiVersions = 18;

    [Fact]
    public async Task FilterWantingEveryResponse_RealProducerAndConsumer_RoundTripThroughIt_MetadataShowsProxyAddresses()
    {
        var watch = ResponseFilter.Watching((_, _) => true);
        await using var proxied = await ProxiedCluster.StartAsync(filters: [watch]);

        RoundTrip.ProduceAndConsume(proxied, "orders", 300, "response-filtered");

        RoundTrip.AssertClientApisSeen(watch.Seen.Select(s => s.ApiKey));
        Assert.DoesNotContain(watch.Seen, s => s.AnsweredByProxy);

        // Metadata as the filters see it already names the proxy's listeners, never a broker's own port (v1, read here).
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using (var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port))
        {
            await raw.SendAsync(Metadata, 1, flexible: false, w => KafkaWriter.WriteInt32(w, -1));
        }

        var metadataPorts = watch.Seen.Where(s => s.ApiKey == Metadata && s.ApiVersion == 1).SelectMany(s => BrokerPortsOfMetadata(s.Body)).ToHashSet();
        Assert.NotEmpty(metadataPorts);
        Assert.Subset(proxied.ProxyPorts, metadataPorts);
        Assert.Empty(metadataPorts.Intersect(proxied.RealPorts));
    }

    [Fact]
    public async Task FilterReplacesTheBody_ClientGetsTheNewBody()
    {
        // ApiVersions v0 from the broker becomes "error 0, no api keys".
        byte[] replacement = [0, 0, 0, 0, 0, 0];
        var replacing = new ResponseFilter("replace", (key, _) => key == ApiVersions, (response, _) =>
        {
            response.Replace(replacement);
            return ValueTask.CompletedTask;
        });
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, filters: [replacing]);
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        byte[] body = await raw.SendAsync(ApiVersions, 0, flexible: false, _ => { });

        Assert.Equal(replacement, body);
        Assert.True(replacing.Seen.Single().Body.Length > replacement.Length, "the broker's own answer lists its api keys");
    }

    [Fact]
    public async Task ProxyAnswersARequest_ResponseFiltersSeeItMarkedAsTheProxys()
    {
        byte[] canned = [0, 0, 0, 0, 0, 0];
        var answering = new LambdaFilter("answer", (key, _) => key == ApiVersions, (request, _) =>
        {
            request.Respond(canned);
            return ValueTask.CompletedTask;
        });
        var watch = ResponseFilter.Watching((key, _) => key == ApiVersions);
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, filters: [answering, watch]);
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        byte[] body = await raw.SendAsync(ApiVersions, 0, flexible: false, _ => { });

        Assert.Equal(canned, body);
        var seen = Assert.Single(watch.Seen);
        Assert.True(seen.AnsweredByProxy);
        Assert.Equal(canned, seen.Body);
    }

    [Fact]
    public async Task SlowFilterOnOneResponse_ResponsesStayInRequestOrder()
    {
        var slow = new ResponseFilter("slow", (key, _) => key == ApiVersions, async (_, token) => await Task.Delay(TimeSpan.FromMilliseconds(300), token));
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, filters: [slow]);
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        var stream = raw.Stream;

        await stream.WriteAsync(RawFrames.Request(Metadata, 1, correlationId: 1, w => KafkaWriter.WriteInt32(w, -1)));
        await stream.WriteAsync(RawFrames.Request(ApiVersions, 0, correlationId: 2, _ => { }));
        await stream.WriteAsync(RawFrames.Request(Metadata, 1, correlationId: 3, w => KafkaWriter.WriteInt32(w, -1)));
        var order = new List<int>();
        for (int i = 0; i < 3; i++)
        {
            order.Add((await RawFrames.ReadResponseAsync(stream)).CorrelationId);
        }

        Assert.Equal([1, 2, 3], order);
    }

    [Fact]
    public async Task FilterCloses_ConnectionClosesWithItsReason_OthersCarryOn()
    {
        var closing = new ResponseFilter("closer", (key, _) => key == Metadata, (response, _) =>
        {
            if (response.Connection.Items.ContainsKey("raw"))
            {
                response.Close("this client may not see the cluster");
            }

            return ValueTask.CompletedTask;
        });
        var marking = new LambdaFilter("mark", (key, _) => key == Metadata, (request, _) =>
        {
            if (request.ClientId == "raw-test")
            {
                request.Connection.Items["raw"] = true;
            }

            return ValueTask.CompletedTask;
        });
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, filters: [marking, closing]);
        proxied.Cluster.CreateTopic("orders");
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        var refused = await Record.ExceptionAsync(() => raw.SendAsync(Metadata, 1, flexible: false, w => KafkaWriter.WriteInt32(w, -1)));

        Assert.True(refused is EndOfStreamException or IOException, $"expected a closed connection, got {refused}");
        await proxied.Logs.WaitForLineAsync("filter 'closer' closed the connection instead of sending the response to api key 3 v1 (correlation id 1): this client may not see the cluster");
        using var producer = Clients.Producer(proxied.Bootstrap);
        Clients.ProduceNumbered(producer, "orders", 5);
    }

    [Fact]
    public async Task FilterThrows_OnlyItsConnectionCloses_LoggedWithTheFiltersName()
    {
        var throwing = new ResponseFilter("boom", (key, _) => key == ApiVersions, (response, _) =>
            response.Body.Length > 6 ? throw new InvalidDataException("a bug in the response filter") : ValueTask.CompletedTask);
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, filters: [throwing]);
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        var refused = await Record.ExceptionAsync(() => raw.SendAsync(ApiVersions, 0, flexible: false, _ => { }));

        Assert.True(refused is EndOfStreamException or IOException, $"expected a closed connection, got {refused}");
        string line = await proxied.Logs.WaitForLineAsync("filter 'boom' failed on the response to api key 18 v0");
        Assert.Contains("InvalidDataException: a bug in the response filter", line, StringComparison.Ordinal);
        Assert.StartsWith("Warning 1005 ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(proxied.Logs.Lines, l => l.Contains(" 1008 ", StringComparison.Ordinal));
    }

    // The ports of the brokers a Metadata v1 response body names (brokers: node id, host, port, rack).
    private static List<int> BrokerPortsOfMetadata(byte[] body)
    {
        var ports = new List<int>();
        int offset = 0;
        int count = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(offset));
        offset += 4;
        for (int i = 0; i < count; i++)
        {
            offset += 4; // node id
            short hostLength = BinaryPrimitives.ReadInt16BigEndian(body.AsSpan(offset));
            offset += 2 + hostLength;
            ports.Add(BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(offset)));
            offset += 4;
            short rackLength = BinaryPrimitives.ReadInt16BigEndian(body.AsSpan(offset));
            offset += 2 + Math.Max((short)0, rackLength);
        }

        return ports;
    }
}
