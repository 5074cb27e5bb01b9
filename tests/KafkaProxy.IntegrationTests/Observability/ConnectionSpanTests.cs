using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;

namespace KafkaProxy.IntegrationTests.Observability;

/// <summary>
/// The spans of the activity source <c>KafkaProxy</c>, seen by an <see cref="ActivityListener"/> as an exporter would
/// see them: a Confluent.Kafka producer through the proxy to the test cluster.
/// </summary>
public sealed class ConnectionSpanTests
{
    [Fact]
    public async Task ProduceThroughProxy_ConnectionSpansWithDialStepAndCloseReason_AndLinkedProduceRequestSpans()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        cluster.CreateTopic("traced", partitions: 1);
        var broker = cluster.Brokers[0];
        var options = new KafkaProxyOptions();
        options.Brokers.Add(new BrokerMapping { Upstream = new HostPort(broker.Host, broker.Port), Listen = new HostPort("127.0.0.1", 0) });
        options.Tracing.ApiKeys.Add(0); // Produce
        options.Tracing.SampleRatio = 1;

        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "KafkaProxy",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        string brokerLabel;
        await using (var engine = new ProxyEngine(options))
        {
            await engine.StartAsync();
            brokerLabel = engine.Listeners[0].Upstream.ToString();
            using (var producer = Clients.Producer(engine.Listeners[0].Advertised.ToString()))
            {
                for (int i = 0; i < 3; i++)
                {
                    await producer.ProduceAsync("traced", new Message<string, string> { Key = "k", Value = $"v{i}" });
                }
            }

            // The producer closed its connections: their spans end as the proxy sees each close.
            await Eventually.TrueAsync(() => Connections(stopped, brokerLabel).Any(), () => $"{stopped.Count} spans, none a connection to {brokerLabel}");
        }

        var connections = Connections(stopped, brokerLabel).ToList();
        Assert.All(connections, c =>
        {
            Assert.Equal(default, c.ParentSpanId); // a root
            Assert.Equal(ActivityKind.Server, c.Kind);
            Assert.NotNull(c.GetTagItem("kafka_proxy.connection.id"));
            Assert.Equal("127.0.0.1", c.GetTagItem("client.address"));
            Assert.Equal("closed", c.GetTagItem("kafka_proxy.close_reason"));
            Assert.Equal(ActivityStatusCode.Unset, c.Status);
        });
        var dials = stopped.Where(a => a.OperationName == "kafka_proxy.dial").ToList();
        Assert.All(connections, c => Assert.Contains(dials, d => d.ParentSpanId == c.SpanId && d.TraceId == c.TraceId && (int)d.GetTagItem("server.port")! == broker.Port));

        var requests = stopped.Where(a => a.OperationName == "kafka_proxy.request" && a.Links.Any(l => connections.Any(c => c.Context == l.Context))).ToList();
        Assert.True(requests.Count >= 3, $"{requests.Count} Produce spans linked to this proxy's connections");
        Assert.All(requests, r =>
        {
            Assert.Equal((short)0, r.GetTagItem("kafka.api_key"));
            Assert.Equal(default, r.ParentSpanId); // its own trace, linked to the connection's
            Assert.True(r.Duration > TimeSpan.Zero);
        });
        Assert.DoesNotContain(stopped, a => a.OperationName == "kafka_proxy.request" && a.GetTagItem("kafka.api_key") is short key && key != 0);
    }

    [Fact]
    public async Task DialRefused_ConnectionSpanAndDialStepCarryTheReason()
    {
        // A broker address where nothing listens: the proxy's dial is refused.
        using var closed = new RefusingPort();
        var options = new KafkaProxyOptions();
        options.Brokers.Add(new BrokerMapping { Upstream = new HostPort("127.0.0.1", closed.Port), Listen = new HostPort("127.0.0.1", 0) });

        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "KafkaProxy",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await using var engine = new ProxyEngine(options);
        await engine.StartAsync();
        string brokerLabel = engine.Listeners[0].Upstream.ToString();
        var listen = engine.Listeners[0].Advertised;
        await using (var client = await RawKafkaClient.ConnectAsync(listen.Host, listen.Port))
        {
            await Record.ExceptionAsync(() => client.SendAsync(18, 0, flexible: false, _ => { }));
        }

        await Eventually.TrueAsync(() => Connections(stopped, brokerLabel).Any(), () => $"{stopped.Count} spans");
        var connection = Connections(stopped, brokerLabel).First();
        var dial = Assert.Single(stopped, a => a.OperationName == "kafka_proxy.dial" && a.ParentSpanId == connection.SpanId);
        Assert.Equal(ActivityStatusCode.Error, dial.Status);
        Assert.Equal(ActivityStatusCode.Error, connection.Status);
        Assert.Equal(dial.StatusDescription, connection.GetTagItem("kafka_proxy.close_reason"));
    }

    private static IEnumerable<Activity> Connections(IEnumerable<Activity> stopped, string broker) =>
        stopped.Where(a => a.OperationName == "kafka_proxy.connection" && (string?)a.GetTagItem("kafka_proxy.broker") == broker);
}
