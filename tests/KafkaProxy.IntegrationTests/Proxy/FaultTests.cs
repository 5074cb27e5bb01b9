using System.Net.Sockets;
using Confluent.Kafka;
using KafkaProxy.IntegrationTests.Support;

namespace KafkaProxy.IntegrationTests.Proxy;

public sealed class FaultTests
{
    [Fact]
    public async Task BadFrames_OnOtherConnections_CloseOnlyThoseWhileAProducerStreams()
    {
        await using var proxied = await ProxiedCluster.StartAsync(configure: o => o.MaxFrameSize = 1024 * 1024);
        proxied.Cluster.CreateTopic("steady", partitions: 2);
        var listener = proxied.Engine.Listeners.First(l => !l.IsDynamic).Advertised;
        using var producer = Clients.Producer(proxied.Bootstrap);
        var streaming = Task.Run(() => Clients.ProduceNumbered(producer, "steady", 20_000));

        byte[][] attacks =
        [
            [0xFF, 0xFF, 0xFF, 0xFF],                                  // negative size
            [0x7F, 0x00, 0x00, 0x00],                                  // 2 GiB, over the limit
            [0x00, 0x00, 0x00, 0x03, 0x00, 0x03, 0x00],                // shorter than a request header
            [0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x09, 0, 0, 0, 1, 0x7F, 0xFF], // Produce v9 truncated mid-header, then EOF
            [.. Enumerable.Repeat((byte)0x41, 64)],                     // text garbage
            [0x00, 0x00, 0x00, 0x0A, 0x00, 0x03, 0xFF, 0xFF, 0, 0, 0, 1, 0xFF, 0xFF], // Metadata v-1
        ];
        foreach (var attack in attacks)
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(listener.Host, listener.Port);
            var stream = socket.GetStream();
            await stream.WriteAsync(attack);
            socket.Client.Shutdown(SocketShutdown.Send);
            var buffer = new byte[16];
            int read = await stream.ReadAsync(buffer).AsTask().WaitAsync(Clients.Patience);
            Assert.Equal(0, read); // the proxy closed this connection
        }

        using (var reset = new TcpClient())
        {
            await reset.ConnectAsync(listener.Host, listener.Port);
            reset.Client.LingerState = new LingerOption(true, 0); // RST on close
        }

        await streaming.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Contains(proxied.Logs.Lines, l => l.Contains("frame size -1 is negative", StringComparison.Ordinal));
        Assert.Contains(proxied.Logs.Lines, l => l.Contains("above the limit of 1048576 bytes", StringComparison.Ordinal));
        Assert.Contains(proxied.Logs.Lines, l => l.Contains("request with api key 3 has a negative version -1", StringComparison.Ordinal));
        using var consumer = Clients.Consumer(proxied.Bootstrap, "verify");
        consumer.Subscribe("steady");
        Assert.Equal(20_000, Clients.Consume(consumer, 20_000, TimeSpan.FromSeconds(60)).Select(r => r.Message.Value).Distinct().Count());
    }

    [Fact]
    public async Task LeaderBrokerDownThenUp_IdempotentProducerThroughProxy_LosesNothing()
    {
        await using var proxied = await ProxiedCluster.StartAsync();
        proxied.Cluster.CreateTopic("outage", partitions: 1);
        proxied.Cluster.SetPartitionLeader("outage", 0, 2);
        using var producer = Clients.Producer(proxied.Bootstrap, tune: c => c.MessageTimeoutMs = 60_000);
        await producer.ProduceAsync("outage", new Message<string, string> { Key = "k", Value = "first" });

        var sending = Task.Run(() => Clients.ProduceNumbered(producer, "outage", 2000));
        proxied.Cluster.SetBrokerDown(2);
        await Task.Delay(1500);
        proxied.Cluster.SetBrokerUp(2);
        await sending.WaitAsync(TimeSpan.FromSeconds(90));

        using var consumer = Clients.Consumer(proxied.Bootstrap, "check");
        consumer.Subscribe("outage");
        var values = Clients.Consume(consumer, 2001).Select(r => r.Message.Value).ToList();
        Assert.Equal(2001, values.Distinct().Count());
        Assert.Null(consumer.Consume(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task InjectedRetriableErrors_ThroughProxy_AreRetriedAndDelivered()
    {
        await using var proxied = await ProxiedCluster.StartAsync();
        proxied.Cluster.CreateTopic("flaky", partitions: 1);
        using var producer = Clients.Producer(proxied.Bootstrap);
        await producer.ProduceAsync("flaky", new Message<string, string> { Key = "k", Value = "warm" });

        proxied.Cluster.InjectRequestErrors(0, ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut);
        var result = await producer.ProduceAsync("flaky", new Message<string, string> { Key = "k", Value = "after" });

        Assert.Equal(PersistenceStatus.Persisted, result.Status);
    }

    [Fact]
    public async Task LatencyOnOneBroker_DoesNotSlowProduceToAnother()
    {
        await using var proxied = await ProxiedCluster.StartAsync();
        proxied.Cluster.CreateTopic("fast", partitions: 1);
        proxied.Cluster.CreateTopic("slow", partitions: 1);
        proxied.Cluster.SetPartitionLeader("fast", 0, 2);
        proxied.Cluster.SetPartitionLeader("slow", 0, 3);
        using var producer = Clients.Producer(proxied.Bootstrap);
        await producer.ProduceAsync("fast", new Message<string, string> { Key = "k", Value = "warm" });
        await producer.ProduceAsync("slow", new Message<string, string> { Key = "k", Value = "warm" });

        proxied.Cluster.SetBrokerLatency(3, TimeSpan.FromSeconds(3));
        var slow = producer.ProduceAsync("slow", new Message<string, string> { Key = "k", Value = "s" });
        var fast = producer.ProduceAsync("fast", new Message<string, string> { Key = "k", Value = "f" });

        Assert.Same(fast, await Task.WhenAny(fast, slow));
        await slow.WaitAsync(Clients.Patience);
    }
}
