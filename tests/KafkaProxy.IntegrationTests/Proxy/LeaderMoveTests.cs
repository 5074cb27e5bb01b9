using System.Collections.Concurrent;
using System.Text.Json;
using Confluent.Kafka;
using KafkaProxy.IntegrationTests.Support;

namespace KafkaProxy.IntegrationTests.Proxy;

public sealed class LeaderMoveTests
{
    [Fact]
    public async Task LeaderMovedWhileProducingAndFetching_ClientsOnlyEverKnowProxyPorts()
    {
        await using var proxied = await ProxiedCluster.StartAsync();
        proxied.Cluster.CreateTopic("moving", partitions: 2);
        proxied.Cluster.SetPartitionLeader("moving", 0, 1);
        proxied.Cluster.SetPartitionLeader("moving", 1, 2);
        var brokersSeen = new ConcurrentBag<string>();

        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = proxied.Bootstrap, EnableIdempotence = true, LingerMs = 5, StatisticsIntervalMs = 100, MessageTimeoutMs = 60_000,
        }).SetStatisticsHandler((_, json) => Collect(json, brokersSeen)).Build();
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = proxied.Bootstrap, GroupId = "movers", AutoOffsetReset = AutoOffsetReset.Earliest, SessionTimeoutMs = 6000, StatisticsIntervalMs = 100,
        }).SetStatisticsHandler((_, json) => Collect(json, brokersSeen)).Build();
        consumer.Subscribe("moving");

        var produced = 0;
        var consumed = new HashSet<string>();
        for (int round = 0; round < 6; round++)
        {
            // Rotate both leaders across all three brokers while traffic flows.
            proxied.Cluster.SetPartitionLeader("moving", 0, (round % 3) + 1);
            proxied.Cluster.SetPartitionLeader("moving", 1, ((round + 1) % 3) + 1);
            for (int i = 0; i < 200; i++, produced++)
            {
                producer.Produce("moving", new Message<string, string> { Key = $"k{i}", Value = $"v{produced}" });
            }

            Assert.Equal(0, producer.Flush(Clients.Patience));
            var deadline = DateTime.UtcNow + Clients.Patience;
            while (consumed.Count < produced && DateTime.UtcNow < deadline)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result?.Message is not null)
                {
                    consumed.Add(result.Message.Value);
                }
            }
        }

        Assert.Equal(produced, consumed.Count);
        Assert.NotEmpty(brokersSeen);
        // Logical brokers such as "GroupCoordinator" carry no address; every other name is "host:port/id".
        var ports = brokersSeen.Select(b => System.Text.RegularExpressions.Regex.Match(b, @":(\d+)/")).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        Assert.Empty(ports.Intersect(proxied.RealPorts));
        Assert.Subset(proxied.ProxyPorts, ports);
    }

    private static void Collect(string statistics, ConcurrentBag<string> seen)
    {
        using var document = JsonDocument.Parse(statistics);
        foreach (var broker in document.RootElement.GetProperty("brokers").EnumerateObject())
        {
            // Names look like "127.0.0.1:port/id"; the bootstrap entry ends in "/bootstrap".
            seen.Add(broker.Name);
        }
    }
}
