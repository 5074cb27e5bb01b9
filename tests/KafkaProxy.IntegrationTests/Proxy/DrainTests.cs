using Confluent.Kafka;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using KafkaProxy.IntegrationTests.Routing;
using KafkaProxy.IntegrationTests.Security;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;

namespace KafkaProxy.IntegrationTests.Proxy;

public sealed class DrainTests
{
    [Fact]
    public async Task StopAsync_RequestInFlight_ResponseStillReachesTheClient()
    {
        await using var proxied = await ProxiedCluster.StartAsync();
        proxied.Cluster.SetBrokerLatency(1, TimeSpan.FromSeconds(1));
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var client = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        var answer = client.SendAsync(18, 0, false, _ => { });
        await Task.Delay(200); // let the request reach the broker before stopping (the broker holds it for 1 s)
        var stopping = proxied.Engine.StopAsync();
        var body = await answer;

        Assert.Equal(0, BitConverter.ToInt16(body.AsSpan(0, 2))); // error_code 0: a real ApiVersions answer
        await stopping.WaitAsync(Clients.Patience);
        Assert.Equal(0, proxied.Engine.OpenConnections);
    }

    [Theory]
    [InlineData("deterministic-listeners")]
    [InlineData("node-ports")]
    [InlineData("sni")]
    public async Task RollingRestart_ProxyReplacedOnTheSamePorts_IdempotentProducerAndConsumerGroupLoseNothing(string mode)
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        cluster.CreateTopic("rolling", partitions: 3);
        int basePort = FreePorts.FindRun(5) + 1; // base - 1 (a bootstrap listener) to base + 3 (node 3)
        using var pki = new TestPki();
        var ca = pki.CreateAuthority("rolling-ca");
        var certificate = pki.Issue(ca, "rolling", ["*.kafka.localhost", SniProxy.BootstrapHost]);
        KafkaProxyOptions Options()
        {
            switch (mode)
            {
                case "sni":
                    return SniProxy.Options(cluster, certificate, basePort);
                case "node-ports":
                    return NodePortTests.Options(cluster, basePort, bootstrapPort: basePort - 1);
                default:
                    var options = new KafkaProxyOptions { DrainTimeout = TimeSpan.FromSeconds(10) };
                    options.Brokers.Add(new BrokerMapping { Upstream = new HostPort("127.0.0.1", cluster.Brokers[0].Port), Listen = new HostPort("127.0.0.1", basePort) });
                    options.DynamicListeners.SequentialMinPort = basePort;
                    options.DynamicListeners.Deterministic = true;
                    return options;
            }
        }

        string bootstrap = mode switch { "sni" => $"{SniProxy.BootstrapHost}:{basePort}", "node-ports" => $"127.0.0.1:{basePort - 1}", _ => $"127.0.0.1:{basePort}" };
        void Tune(ClientConfig c)
        {
            c.ReconnectBackoffMaxMs = 500;
            if (mode == "sni")
            {
                (c.SecurityProtocol, c.SslCaLocation, c.BrokerAddressFamily) = (SecurityProtocol.Ssl, ca.CertFile, BrokerAddressFamily.V4);
            }
        }

        var first = new ProxyEngine(Options());
        await first.StartAsync();
        using var producer = Clients.Producer(bootstrap, tune: c => { c.MessageTimeoutMs = 120_000; Tune(c); });
        var groupConfig = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "rolling-group",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = 6000,
            EnableAutoCommit = true,
            AutoCommitIntervalMs = 200,
        };
        Tune(groupConfig);
        using var stop = new CancellationTokenSource();
        using var consumed = new CancellationTokenSource();
        int produced = 0;
        var seenByGroup = new HashSet<string>();
        var sending = Task.Run(async () =>
        {
            // A steady stream that spans the restart: a message every few hundred microseconds.
            while (!stop.IsCancellationRequested)
            {
                producer.Produce("rolling", new Message<string, string> { Key = $"k{produced % 7}", Value = $"m-{produced}" });
                if (++produced % 100 == 0)
                {
                    await Task.Delay(10);
                }
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(90)));
        });
        var consuming = Task.Run(() =>
        {
            // A consumer group that reads through the proxy all along, committing as it goes.
            using var consumer = new ConsumerBuilder<string, string>(groupConfig).Build();
            consumer.Subscribe("rolling");
            while (!consumed.IsCancellationRequested)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: { } message })
                {
                    lock (seenByGroup)
                    {
                        seenByGroup.Add(message.Value);
                    }
                }
            }

            consumer.Close();
        });
        await Task.Delay(1000);

        int beforeRestart = Volatile.Read(ref produced);
        await first.DisposeAsync();                   // drain and stop the old proxy...
        await using var second = new ProxyEngine(Options());
        await second.StartAsync();                    // ...and start the new one on the same ports
        await Task.Delay(1500);
        stop.Cancel();
        await sending.WaitAsync(TimeSpan.FromSeconds(120));
        await Eventually.TrueAsync(() => { lock (seenByGroup) { return seenByGroup.Count == produced; } }, () => $"the group saw {seenByGroup.Count} of {produced} messages");
        consumed.Cancel();
        await consuming.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(beforeRestart > 0 && produced > beforeRestart, $"the stream must span the restart ({beforeRestart} before, {produced} in all)");
        Assert.Equal(Enumerable.Range(0, produced).Select(i => $"m-{i}").ToHashSet(), seenByGroup);
        using var consumer = Clients.Consumer(cluster.BootstrapServers, "after-restart");
        consumer.Subscribe("rolling");
        var values = Clients.Consume(consumer, produced, TimeSpan.FromSeconds(60)).Select(r => r.Message.Value).ToList();
        Assert.Equal(produced, values.Distinct().Count());
        Assert.Null(consumer.Consume(TimeSpan.FromSeconds(1)));
    }
}
