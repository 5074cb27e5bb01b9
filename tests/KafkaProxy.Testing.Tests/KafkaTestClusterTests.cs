using System.Diagnostics;
using Confluent.Kafka;

namespace KafkaProxy.Testing.Tests;

public sealed class KafkaTestClusterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StartAsync_ThreeBrokers_ListsThreeLoopbackBrokersInBootstrapOrder()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);

        Assert.Equal(3, cluster.Brokers.Count);
        Assert.Equal([1, 2, 3], cluster.Brokers.Select(b => b.Id));
        Assert.All(cluster.Brokers, b => Assert.Equal("127.0.0.1", b.Host));
        Assert.Equal(string.Join(',', cluster.Brokers.Select(b => b.Address)), cluster.BootstrapServers);
    }

    [Fact]
    public async Task GetMetadata_ConfluentAdmin_SeesEveryBrokerWithTheIdAndPortWeReport()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();

        var metadata = admin.GetMetadata(Patience);

        var seen = metadata.Brokers.OrderBy(b => b.BrokerId).Select(b => (b.BrokerId, b.Host, b.Port));
        Assert.Equal(cluster.Brokers.Select(b => (b.Id, b.Host, b.Port)), seen);
    }

    [Fact]
    public async Task ProduceAndConsume_ConfluentClients_ReadBackEveryMessageExactlyOnce()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        cluster.CreateTopic("orders", partitions: 3);

        using (var producer = Clients.Producer(cluster.BootstrapServers))
        {
            for (int i = 0; i < 300; i++)
            {
                producer.Produce("orders", new Message<string, string> { Key = $"k{i}", Value = $"v{i}" });
            }

            Assert.Equal(0, producer.Flush(Patience));
        }

        using var consumer = Clients.Consumer(cluster.BootstrapServers, "readers");
        consumer.Subscribe("orders");
        var values = Clients.Consume(consumer, 300, Patience).Select(m => m.Message.Value).ToList();

        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"v{i}").Order(), values.Order());
    }

    [Fact]
    public async Task ConsumerGroup_TwoMembers_SplitPartitionsAndTogetherReadEverything()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        cluster.CreateTopic("shared", partitions: 4);
        using (var producer = Clients.Producer(cluster.BootstrapServers))
        {
            for (int i = 0; i < 200; i++)
            {
                producer.Produce(new TopicPartition("shared", new Partition(i % 4)), new Message<string, string> { Key = "k", Value = $"v{i}" });
            }

            Assert.Equal(0, producer.Flush(Patience));
        }

        using var first = Clients.Consumer(cluster.BootstrapServers, "pair");
        using var second = Clients.Consumer(cluster.BootstrapServers, "pair");
        first.Subscribe("shared");
        second.Subscribe("shared");

        var seen = new HashSet<string>();
        var deadline = Stopwatch.StartNew();
        while (seen.Count < 200 || first.Assignment.Count + second.Assignment.Count != 4 || first.Assignment.Count == 0 || second.Assignment.Count == 0)
        {
            Assert.True(deadline.Elapsed < Patience * 2, $"group did not settle: {seen.Count} messages, assignments {first.Assignment.Count}/{second.Assignment.Count}");
            foreach (var consumer in new[] { first, second })
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result?.Message is not null)
                {
                    seen.Add(result.Message.Value);
                }
            }
        }

        Assert.Equal(200, seen.Count);
        Assert.Empty(first.Assignment.Intersect(second.Assignment));
    }

    [Fact]
    public async Task Kcat_ListMetadata_ShowsEveryBroker()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);

        var result = await ExternalProcess.RunAsync("kcat", ["-L", "-b", cluster.BootstrapServers, "-m", "10"], Patience);

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var broker in cluster.Brokers)
        {
            Assert.Contains($"broker {broker.Id} at {broker.Address}", result.StandardOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SetBrokerDown_LeaderDown_ProduceWaitsAndCompletesAfterUp()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        cluster.CreateTopic("waits", partitions: 1);
        cluster.SetPartitionLeader("waits", 0, 2);
        using var producer = Clients.Producer(cluster.BootstrapServers);
        await producer.ProduceAsync("waits", new Message<string, string> { Key = "warm", Value = "up" });

        cluster.SetBrokerDown(2);
        var pending = producer.ProduceAsync("waits", new Message<string, string> { Key = "k", Value = "while-down" });
        var early = await Task.WhenAny(pending, Task.Delay(TimeSpan.FromSeconds(2)));
        Assert.NotSame(pending, early);

        cluster.SetBrokerUp(2);
        var delivered = await pending.WaitAsync(Patience);
        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
    }

    [Fact]
    public async Task SetBrokerLatency_OnLeader_DelaysProduceAcknowledgements()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        cluster.CreateTopic("slow", partitions: 1);
        cluster.SetPartitionLeader("slow", 0, 3);
        using var producer = Clients.Producer(cluster.BootstrapServers);
        await producer.ProduceAsync("slow", new Message<string, string> { Key = "warm", Value = "up" });

        cluster.SetBrokerLatency(3, TimeSpan.FromMilliseconds(400));
        var clock = Stopwatch.StartNew();
        await producer.ProduceAsync("slow", new Message<string, string> { Key = "k", Value = "v" });

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(350), $"acknowledged after {clock.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task InjectRequestErrors_RetriableProduceError_IsRetriedAndDelivered()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        cluster.CreateTopic("retry", partitions: 1);
        using var producer = Clients.Producer(cluster.BootstrapServers);
        await producer.ProduceAsync("retry", new Message<string, string> { Key = "warm", Value = "up" });

        cluster.InjectRequestErrors(KafkaApiKey.Produce, ErrorCode.RequestTimedOut, ErrorCode.RequestTimedOut);
        var delivered = await producer.ProduceAsync("retry", new Message<string, string> { Key = "k", Value = "v" });

        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
    }

    [Fact]
    public async Task InjectRequestErrors_WithoutRetries_ClientSeesTheInjectedError()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        cluster.CreateTopic("noretry", partitions: 1);
        using var producer = Clients.Producer(cluster.BootstrapServers, idempotent: false, tune: c => c.MessageSendMaxRetries = 0);
        await producer.ProduceAsync("noretry", new Message<string, string> { Key = "warm", Value = "up" });

        cluster.InjectRequestErrors(KafkaApiKey.Produce, ErrorCode.RequestTimedOut);
        var failure = await Assert.ThrowsAsync<ProduceException<string, string>>(
            () => producer.ProduceAsync("noretry", new Message<string, string> { Key = "k", Value = "v" }));

        Assert.Equal(ErrorCode.RequestTimedOut, failure.Error.Code);
    }

    [Fact]
    public async Task SetApiVersionRange_Metadata_ClusterAdvertisesTheLimitedRange()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);

        cluster.SetApiVersionRange(KafkaApiKey.Metadata, 1, 4);
        var ranges = await RawApiVersions.QueryAsync(cluster.Brokers[0]);

        Assert.Equal((1, 4), ranges[KafkaApiKey.Metadata]);
    }

    [Fact]
    public async Task SetPartitionLeader_MovesLeaderAsClientsSeeInMetadata()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        cluster.CreateTopic("moving", partitions: 2);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();

        cluster.SetPartitionLeader("moving", 1, 3);
        var leader = admin.GetMetadata("moving", Patience).Topics.Single().Partitions.Single(p => p.PartitionId == 1).Leader;

        Assert.Equal(3, leader);
    }

    [Fact]
    public async Task Dispose_CalledTwice_IsHarmlessAndLaterCallsSayDisposed()
    {
        var cluster = await KafkaTestCluster.StartAsync(brokers: 1);

        cluster.Dispose();
        await cluster.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("late"));
    }

    [Fact]
    public async Task Dispose_ClosesTheBrokerPorts()
    {
        var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        var broker = cluster.Brokers[0];

        await cluster.DisposeAsync();

        using var socket = new System.Net.Sockets.TcpClient();
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => socket.ConnectAsync(broker.Host, broker.Port));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    public async Task StartAsync_BrokerCountOutOfRange_ThrowsWithTheRange(int brokers)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => KafkaTestCluster.StartAsync(brokers));
    }
}
