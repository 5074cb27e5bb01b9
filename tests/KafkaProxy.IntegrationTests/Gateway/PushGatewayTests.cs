using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using KafkaProxy.IntegrationTests.Support;

namespace KafkaProxy.IntegrationTests.Gateway;

/// <summary>The HTTP push gateway through real HTTP, producing to the test cluster, read back by a Confluent.Kafka consumer.</summary>
public sealed class PushGatewayTests
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Push_ThousandMessagesInTenPosts_ArriveExactlyOnceWithTheSameBytes()
    {
        await using var gateway = await RunningGateway.StartAsync();
        var sent = new List<byte[]>();
        var random = new Random(7);
        for (int post = 0; post < 10; post++)
        {
            var batch = Enumerable.Range(0, 100).Select(i =>
            {
                // Binary values of many sizes, zero-length ones included.
                var value = new byte[(post * 100 + i) % 13 == 0 ? 0 : random.Next(1, 2000)];
                random.NextBytes(value);
                return value;
            }).ToList();
            sent.AddRange(batch);

            using var response = await gateway.PushAsync(batch);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("100 messages received", await response.Content.ReadAsStringAsync());
        }

        var received = gateway.ReadBack(RunningGateway.Topic, 1000);

        var expected = sent.Select(Convert.ToHexString).Order().ToList();
        var actual = received.Select(r => Convert.ToHexString(r.Message.Value ?? [])).Order().ToList();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Push_EmptyBody_IsZeroMessages()
    {
        await using var gateway = await RunningGateway.StartAsync();

        using var response = await gateway.PushAsync([]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("0 messages received", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Push_AcceptJson_AnswersJson()
    {
        await using var gateway = await RunningGateway.StartAsync();
        using var request = RunningGateway.PushRequest(RunningGateway.Frame([Bytes("a"), Bytes("b")]));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"messages":2}""", await response.Content.ReadAsStringAsync());
    }

    public static TheoryData<string, HttpStatusCode, string> BadRequests => new()
    {
        { "no token", HttpStatusCode.Unauthorized, "Missing or wrong x-kafka-proxy-token header." },
        { "wrong token", HttpStatusCode.Unauthorized, "Missing or wrong x-kafka-proxy-token header." },
        { "token prefix", HttpStatusCode.Unauthorized, "Missing or wrong x-kafka-proxy-token header." },
        { "text content type", HttpStatusCode.UnsupportedMediaType, "Content-Type 'text/plain' is not supported" },
        { "no content type", HttpStatusCode.UnsupportedMediaType, "No Content-Type" },
        { "length past the end", HttpStatusCode.BadRequest, "Message 2 declares 100 bytes but the body ends after 3 of them." },
        { "one stray byte", HttpStatusCode.BadRequest, "ends with 1 stray bytes after message 1" },
        { "three stray bytes", HttpStatusCode.BadRequest, "ends with 3 stray bytes after message 1" },
        { "message over the limit", HttpStatusCode.RequestEntityTooLarge, "Message 2 is 1048577 bytes; the limit is 1048576 bytes per message." },
        { "length 0xFFFFFFFF", HttpStatusCode.RequestEntityTooLarge, "Message 1 is 4294967295 bytes" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Push_BadRequest_AnswersItsStatusAndQueuesNothing(string @case, HttpStatusCode status, string message)
    {
        await using var gateway = await RunningGateway.StartAsync();
        byte[] one = RunningGateway.Frame([Bytes("first")]);
        byte[] body = @case switch
        {
            "length past the end" => [.. one, 100, 0, 0, 0, 1, 2, 3],
            "one stray byte" => [.. one, 9],
            "three stray bytes" => [.. one, 9, 9, 9],
            "message over the limit" => RunningGateway.Frame([Bytes("first"), new byte[(1024 * 1024) + 1]]),
            "length 0xFFFFFFFF" => [0xFF, 0xFF, 0xFF, 0xFF, 1, 2],
            _ => one,
        };
        using var request = RunningGateway.PushRequest(
            body,
            token: @case switch { "no token" => null, "wrong token" => "nope", "token prefix" => RunningGateway.Token[..^1], _ => RunningGateway.Token },
            contentType: @case switch { "text content type" => "text/plain", "no content type" => null, _ => "application/octet-stream; charset=binary" });

        using var response = await gateway.Http.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, gateway.Flusher.BufferedMessages);
        using var good = await gateway.PushAsync([Bytes("after")]);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var only = Assert.Single(gateway.ReadBack(RunningGateway.Topic, 1));
        Assert.Equal("after", Encoding.UTF8.GetString(only.Message.Value));
    }

    [Fact]
    public async Task Push_BodyOverTheRequestLimit_Answers413AndQueuesNothing()
    {
        await using var gateway = await RunningGateway.StartAsync(push: o => o.MaxRequestBytes = 1000);
        var messages = Enumerable.Range(0, 20).Select(_ => new byte[100]).ToList();

        using var declared = await gateway.PushAsync(messages);
        // Chunked: no Content-Length to refuse up front, so the limit is found while reading.
        var chunked = RunningGateway.PushRequest([]);
        chunked.Content = new StreamContent(new MemoryStream(RunningGateway.Frame(messages)));
        chunked.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        chunked.Headers.TransferEncodingChunked = true;
        using var streamed = await gateway.Http.SendAsync(chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Contains("larger than the limit of 1000 bytes per request", await streamed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, gateway.Flusher.BufferedMessages);
    }

    [Fact]
    public async Task Push_GetOrUnknownPath_AnswersAsAspNetDoes()
    {
        await using var gateway = await RunningGateway.StartAsync();

        using var get = await gateway.Http.GetAsync(new Uri("/", UriKind.Relative));
        using var unknown = await gateway.Http.SendAsync(RunningGateway.PushRequest([], "/nowhere"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task SwitchTopic_MessagesBeforeKeepTheirTopic_MessagesAfterGoToTheNewOne()
    {
        await using var gateway = await RunningGateway.StartAsync(flusher: o => o.FlushInterval = TimeSpan.FromHours(1));
        gateway.Cluster.CreateTopic("second");

        using var before = await gateway.PushAsync([Bytes("old-1"), Bytes("old-2")]);
        using var switched = await gateway.SwitchTopicAsync("second");
        using var after = await gateway.PushAsync([Bytes("new-1")]);
        await gateway.Flusher.StopAsync();

        Assert.Equal("Topic changed to second", await switched.Content.ReadAsStringAsync());
        Assert.Equal(["old-1", "old-2"], gateway.ReadBack(RunningGateway.Topic, 2).Select(r => Encoding.UTF8.GetString(r.Message.Value)).Order());
        Assert.Equal("new-1", Encoding.UTF8.GetString(Assert.Single(gateway.ReadBack("second", 1)).Message.Value));
    }

    [Theory]
    [InlineData("bad%20topic", "contains ' '")]
    [InlineData("a%2Fb", "contains '%'")]
    [InlineData("a.b:c", "contains ':'")]
    public async Task SwitchTopic_BadName_Answers400AndKeepsTheTopic(string topic, string problem)
    {
        await using var gateway = await RunningGateway.StartAsync();

        using var response = await gateway.SwitchTopicAsync(topic);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(problem, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(RunningGateway.Topic, gateway.Flusher.CurrentTopic);
    }

    [Fact]
    public async Task SwitchTopic_WrongToken_Answers401AndKeepsTheTopic()
    {
        await using var gateway = await RunningGateway.StartAsync();

        using var response = await gateway.Http.SendAsync(RunningGateway.PushRequest([], "/topic/other", token: "wrong"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(RunningGateway.Topic, gateway.Flusher.CurrentTopic);
    }

    [Fact]
    public async Task Push_Wait_AnswersWithTheOffsetsKafkaAssigned()
    {
        await using var gateway = await RunningGateway.StartAsync(flusher: o => o.FlushInterval = TimeSpan.FromHours(1));
        var messages = Enumerable.Range(0, 5).Select(i => Bytes($"w-{i}")).ToList();

        // The batch size (100) is not reached and the interval is an hour: only a wait-mode flush would be too late,
        // so this also shows that the flusher, not the request, decides when to hand messages to Kafka.
        var pending = gateway.Http.SendAsync(RunningGateway.PushRequest(RunningGateway.Frame(messages), "/?wait=true"));
        await WaitUntil(() => gateway.Flusher.BufferedMessages == 5);
        Assert.False(pending.IsCompleted);
        using var more = await gateway.PushAsync(Enumerable.Range(0, 95).Select(i => Bytes($"fill-{i}")));
        using var response = await pending;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var offsets = json.RootElement.GetProperty("offsets").EnumerateArray()
            .Select(o => (o.GetProperty("partition").GetInt32(), o.GetProperty("offset").GetInt64())).ToList();
        Assert.Equal(5, offsets.Count);
        var written = gateway.ReadBack(RunningGateway.Topic, 100)
            .Where(r => Encoding.UTF8.GetString(r.Message.Value).StartsWith("w-", StringComparison.Ordinal))
            .ToDictionary(r => Encoding.UTF8.GetString(r.Message.Value), r => (r.Partition.Value, r.Offset.Value));
        Assert.Equal(messages.Select(m => written[Encoding.UTF8.GetString(m)]), offsets);
    }

    [Fact]
    public async Task Push_BufferFull_Answers503WithRetryAfterAndQueuesNothing()
    {
        await using var gateway = await RunningGateway.StartAsync(
            flusher: o => { o.BatchSize = 10; o.MaxBufferedMessages = 10; o.FlushInterval = TimeSpan.FromHours(1); },
            push: o => o.RetryAfter = TimeSpan.FromSeconds(3));

        using var first = await gateway.PushAsync(Enumerable.Range(0, 6).Select(i => Bytes($"a{i}")));
        using var full = await gateway.PushAsync(Enumerable.Range(0, 6).Select(i => Bytes($"b{i}")));
        using var tooBig = await gateway.PushAsync(Enumerable.Range(0, 11).Select(i => Bytes($"c{i}")));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), full.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Equal(6, gateway.Flusher.BufferedMessages);
        await gateway.Flusher.StopAsync();
        Assert.All(gateway.ReadBack(RunningGateway.Topic, 6), r => Assert.StartsWith("a", Encoding.UTF8.GetString(r.Message.Value), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Push_BrokersDownDuringFlush_LosesNothing_AndWaitModeReportsTheTimeout()
    {
        await using var gateway = await RunningGateway.StartAsync(
            flusher: o => o.DeliveryTimeout = TimeSpan.FromSeconds(2),
            push: o => o.WaitTimeout = TimeSpan.FromSeconds(20));
        using (var warm = await gateway.PushAsync([Bytes("warm")]))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        await WaitUntil(() => gateway.Flusher.BufferedMessages == 0);
        foreach (var broker in gateway.Cluster.Brokers)
        {
            gateway.Cluster.SetBrokerDown(broker.Id);
        }

        using var accepted = await gateway.PushAsync(Enumerable.Range(0, 50).Select(i => Bytes($"outage-{i}")));
        using var waited = await gateway.Http.SendAsync(RunningGateway.PushRequest(RunningGateway.Frame([Bytes("waited")]), "/?wait=true"));
        // Past the delivery timeout: the 50 are queued again, not dropped.
        await WaitUntil(() => gateway.Logs.Lines.Any(l => l.Contains("queued again", StringComparison.Ordinal)));
        foreach (var broker in gateway.Cluster.Brokers)
        {
            gateway.Cluster.SetBrokerUp(broker.Id);
        }

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.GatewayTimeout, waited.StatusCode);
        Assert.Contains("Local_MsgTimedOut", await waited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var received = gateway.ReadBack(RunningGateway.Topic, 51).Select(r => Encoding.UTF8.GetString(r.Message.Value)).ToHashSet();
        Assert.All(Enumerable.Range(0, 50), i => Assert.Contains($"outage-{i}", received));
    }

    [Fact]
    public async Task Ready_WithKafkaUp_IsHealthy_AndMetricsCountAcceptedAndRejected()
    {
        await using var gateway = await RunningGateway.StartAsync();
        using var ok = await gateway.PushAsync([Bytes("x"), Bytes("y")]);
        using var bad = await gateway.Http.SendAsync(RunningGateway.PushRequest([1], token: "wrong"));

        using var ready = await gateway.Http.GetAsync(new Uri("/ready", UriKind.Relative));
        await WaitUntil(() => gateway.Flusher.BufferedMessages == 0);
        var metrics = PrometheusScrape.Parse(await gateway.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(2, metrics.Sum("gateway_messages_accepted_total"));
        Assert.Equal(2, metrics.Sum("gateway_messages_flushed_total"));
        Assert.Equal(1, metrics.Sum("gateway_requests_rejected_total", ("reason", "unauthorized")));
        Assert.True(metrics.Has("gateway_buffered_messages"));
        Assert.Equal(0, metrics.Sum("gateway_buffered_messages"));
    }

    [Fact]
    public async Task Tokens_RightOrWrong_NeverReachALogLine()
    {
        const string wrong = "wrong-token-5e0d77";
        await using var gateway = await RunningGateway.StartAsync();

        using var ok = await gateway.PushAsync([Bytes("x")]);
        using var refused = await gateway.Http.SendAsync(RunningGateway.PushRequest(RunningGateway.Frame([Bytes("y")]), token: wrong));
        using var topic = await gateway.Http.SendAsync(RunningGateway.PushRequest([], "/topic/other", token: wrong));
        await gateway.Flusher.StopAsync();

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.NotEmpty(gateway.Logs.Lines); // captured at Trace level, ASP.NET Core's own lines included
        Assert.DoesNotContain(gateway.Logs.Lines, l => l.Contains(RunningGateway.Token, StringComparison.Ordinal) || l.Contains(wrong, StringComparison.Ordinal));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var patience = new CancellationTokenSource(Clients.Patience);
        while (!condition())
        {
            await Task.Delay(20, patience.Token);
        }
    }
}
