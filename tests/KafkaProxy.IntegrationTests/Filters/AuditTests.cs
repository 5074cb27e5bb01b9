using System.Text.Json;
using Confluent.Kafka;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using KafkaProxy.IntegrationTests.Security;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.IntegrationTests.Filters;

/// <summary>
/// The audit trail in front of real clients: a line per audited request with the client, the listener, the topics and
/// partitions and the result, read back from the file; a policy's refusal audited with its error; a stuck audit writer
/// costing lines (counted), never traffic.
/// </summary>
public sealed class AuditTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"kafka-proxy-audit-{Guid.NewGuid():N}.jsonl");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task ProduceAndConsume_AuditLog_OneLinePerProduceNamingTopicAndPartition_FetchesToo()
    {
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, configure: o =>
        {
            o.Audit.Path = _path;
            o.Audit.ApiKeys.Add(1); // Fetch and Metadata, besides the default Produce and CreateTopics
            o.Audit.ApiKeys.Add(3);
        });
        proxied.Cluster.CreateTopic("orders", partitions: 3);
        var delivered = new List<DeliveryResult<string, string>>();
        using (var producer = Clients.Producer(proxied.Bootstrap))
        {
            foreach (string key in new[] { "a", "b", "c", "d" })
            {
                // One at a time: each is its own Produce request.
                delivered.Add(await producer.ProduceAsync("orders", new Message<string, string> { Key = key, Value = "v-" + key }));
            }
        }

        using (var consumer = Clients.Consumer(proxied.Bootstrap, "audit-readers"))
        {
            consumer.Subscribe("orders");
            Assert.Equal(4, Clients.Consume(consumer, 4).Count);
            consumer.Close();
        }

        List<JsonElement> produces = [];
        await Eventually.TrueAsync(() => (produces = Lines().Where(l => l.GetProperty("api_key").GetInt32() == 0).ToList()).Count >= 4, () => string.Join('\n', File.Exists(_path) ? File.ReadAllLines(_path) : []));
        string listener = proxied.Engine.Listeners.Single().LocalEndPoint.ToString();
        Assert.Equal(4, produces.Count);
        Assert.Equal(delivered.Select(d => d.Partition.Value), produces.Select(l => l.GetProperty("topics").EnumerateArray().Single().GetProperty("partitions").EnumerateArray().Single().GetInt32()));
        Assert.All(produces, line =>
        {
            Assert.Equal("orders", line.GetProperty("topics")[0].GetProperty("name").GetString());
            Assert.Equal("Produce", line.GetProperty("api_name").GetString());
            Assert.Equal(0, line.GetProperty("result").GetInt32());
            Assert.False(line.GetProperty("answered_by_proxy").GetBoolean());
            Assert.StartsWith("127.0.0.1:", line.GetProperty("client").GetString(), StringComparison.Ordinal);
            Assert.NotEqual(listener, line.GetProperty("client").GetString());
            Assert.Equal(listener, line.GetProperty("listener").GetString());
            Assert.Equal(proxied.Cluster.Brokers[0].Address, line.GetProperty("broker").GetString());
            Assert.True(line.GetProperty("request_bytes").GetInt64() > 20);
            Assert.True(line.GetProperty("response_bytes").GetInt64() > 8);
        });

        // Fetches name what they fetched, from the response (a fetch session's requests may list nothing); from v13 by
        // topic id, which Metadata responses (v10+) give beside the name.
        var all = Lines();
        // A request still waiting when the consumer left (a Fetch at the broker, a Metadata refresh) gets its line at
        // the close, with "closed" and no result; a Fetch's topics come from its response, so it has none either.
        var closed = all.Where(l => l.TryGetProperty("closed", out _)).ToList();
        Assert.All(closed, l => Assert.Equal(JsonValueKind.Null, l.GetProperty("result").ValueKind));
        all = [.. all.Except(closed)];
        var fetches = all.Where(l => l.GetProperty("api_name").GetString() == "Fetch").ToList();
        var ordersFetched = fetches.SelectMany(l => l.GetProperty("topics").EnumerateArray()).Where(t => t.GetProperty("partitions").GetArrayLength() > 0).ToList();
        Assert.NotEmpty(ordersFetched);
        Assert.All(fetches, l => Assert.Equal(0, l.GetProperty("result").GetInt32()));
        var metadataTopic = all.Where(l => l.GetProperty("api_name").GetString() == "Metadata")
            .SelectMany(l => l.GetProperty("topics").EnumerateArray())
            .First(t => t.GetProperty("name").GetString() == "orders");
        Assert.Equal(3, metadataTopic.GetProperty("partitions").GetArrayLength());
        Assert.All(ordersFetched, t => Assert.Equal(
            t.TryGetProperty("topic_id", out var id) ? metadataTopic.GetProperty("topic_id").GetString() : "orders",
            t.TryGetProperty("topic_id", out id) ? id.GetString() : t.GetProperty("name").GetString()));
        Assert.DoesNotContain(all, l => l.GetProperty("api_name").GetString() is not ("Produce" or "Fetch" or "Metadata"));
    }

    [Fact]
    public async Task ForbiddenRequestAndFilterClose_ConnectionsEnd_EachRequestStillGetsItsLineWithTheReason()
    {
        // The audit runs before the api-key gate and the user's filters: what they refuse by closing is recorded too.
        var closing = new LambdaFilter("closer", (key, _) => key == 19, (request, _) =>
        {
            request.Close("no topic creation through this proxy");
            return ValueTask.CompletedTask;
        });
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, configure: o =>
        {
            o.Audit.Path = _path;
            o.Audit.ApiKeys.Add(3); // Metadata, besides the default Produce and CreateTopics
            o.ForbiddenApiKeys.Add(3);
        }, filters: [closing]);
        var listener = proxied.Engine.Listeners[0].Advertised;

        await using (var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port))
        {
            await Assert.ThrowsAnyAsync<IOException>(() => raw.SendAsync(3, 1, flexible: false, w => Protocol.Primitives.KafkaWriter.WriteInt32(w, -1)));
        }

        await using (var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port))
        {
            // CreateTopics v2, one topic, 1 partition, replication 1, no assignments or configs; timeout 1 s; validate only false.
            await Assert.ThrowsAnyAsync<IOException>(() => raw.SendAsync(19, 2, flexible: false, w =>
            {
                Protocol.Primitives.KafkaWriter.WriteInt32(w, 1);
                Protocol.Primitives.KafkaWriter.WriteString(w, "audited", compact: false);
                Protocol.Primitives.KafkaWriter.WriteInt32(w, 1);
                Protocol.Primitives.KafkaWriter.WriteInt16(w, 1);
                Protocol.Primitives.KafkaWriter.WriteInt32(w, 0);
                Protocol.Primitives.KafkaWriter.WriteInt32(w, 0);
                Protocol.Primitives.KafkaWriter.WriteInt32(w, 1000);
                Protocol.Primitives.KafkaWriter.WriteBool(w, false);
            }));
        }

        List<JsonElement> lines = [];
        await Eventually.TrueAsync(() => (lines = Lines()).Count >= 2, () => string.Join('\n', File.Exists(_path) ? File.ReadAllLines(_path) : []));
        var metadata = Assert.Single(lines, l => l.GetProperty("api_key").GetInt32() == 3);
        Assert.Contains("which KafkaProxy:ForbiddenApiKeys refuses", metadata.GetProperty("closed").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, metadata.GetProperty("result").ValueKind);
        var create = Assert.Single(lines, l => l.GetProperty("api_key").GetInt32() == 19);
        Assert.Contains("filter 'closer' closed the connection: no topic creation through this proxy", create.GetProperty("closed").GetString(), StringComparison.Ordinal);
        Assert.Equal("audited", create.GetProperty("topics")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task PolicyRequireAcksAll_LeaderAcksProducer_AuditLineShowsPolicyViolation()
    {
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, configure: o =>
        {
            o.Policies.RequireAcks = -1;
            o.Audit.Path = _path;
        });
        proxied.Cluster.CreateTopic("orders");

        using (var leaderOnly = Clients.Producer(proxied.Bootstrap, Acks.Leader, idempotent: false))
        {
            var refused = await Assert.ThrowsAsync<ProduceException<string, string>>(() => leaderOnly.ProduceAsync("orders", new Message<string, string> { Key = "k", Value = "acks=1" }));
            Assert.Equal(ErrorCode.PolicyViolation, refused.Error.Code);
        }

        await Eventually.TrueAsync(() => Lines().Count > 0, () => "no audit line");
        var line = Lines()[0];
        Assert.Equal(44, line.GetProperty("result").GetInt32());
        Assert.True(line.GetProperty("answered_by_proxy").GetBoolean());
        Assert.Equal("orders", line.GetProperty("topics")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task AuditWriterStuck_TinyQueue_LinesDroppedAndCounted_EveryProduceDelivered()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        cluster.CreateTopic("busy");
        var options = new KafkaProxyOptions();
        options.Brokers.Add(new BrokerMapping { Upstream = new HostPort(cluster.Brokers[0].Host, cluster.Brokers[0].Port), Listen = new HostPort("127.0.0.1", 0) });
        options.Audit.Logger = true;
        options.Audit.Capacity = 1;
        using var stuck = new StuckAuditLogger();
        var logs = new CapturingLoggerProvider();
        using var metrics = new MetricCapture();
        var engine = new ProxyEngine(Microsoft.Extensions.Options.Options.Create(options), new LoggerFactory([stuck, logs]), metrics.Factory);
        try
        {
            await engine.StartAsync();
            using var producer = Clients.Producer(engine.Listeners.Single().Advertised.ToString());
            for (int i = 0; i < 20; i++)
            {
                var delivered = await producer.ProduceAsync("busy", new Message<string, string> { Key = "k", Value = $"m{i}" });
                Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
                if (i == 0)
                {
                    Assert.True(stuck.Entered.Wait(Clients.Patience), "the audit writer never logged the first line");
                }
            }

            // The writer holds the first line in the stuck logger and the second waits in the queue: the other 18 were dropped.
            Assert.Equal(18, metrics.Sum("proxy_audit_dropped_total", ("reason", "queue_full")));
            await logs.WaitForLineAsync("Warning 1032 Dropped 1 audit lines: the audit queue (KafkaProxy:Audit:Capacity = 1) was full");
        }
        finally
        {
            stuck.Release.Set();
            await engine.DisposeAsync();
        }

        Assert.Equal(2, stuck.Lines.Count); // written once the logger answered again, before the engine stopped
        // Reported at once, then at most every 10 s, and what is left when the engine stops: 18 in all.
        Assert.Equal(18, logs.Lines.Select(l => System.Text.RegularExpressions.Regex.Match(l, "^Warning 1032 Dropped ([0-9]+) ")).Where(m => m.Success).Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    // Every line of the file, read while the proxy may still append to it.
    private List<JsonElement> Lines()
    {
        if (!File.Exists(_path))
        {
            return [];
        }

        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    /// <summary>A logger whose audit lines wait until released, as a log pipeline that stopped answering.</summary>
    private sealed class StuckAuditLogger : ILoggerProvider, ILogger
    {
        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public System.Collections.Concurrent.ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => categoryName == "KafkaProxy.Audit" ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Entered.Set();
            Release.Wait();
            Lines.Enqueue(formatter(state, exception));
        }

        public void Dispose()
        {
            Entered.Dispose();
            Release.Dispose();
        }
    }
}
