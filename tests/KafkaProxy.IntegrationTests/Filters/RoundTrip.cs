using KafkaProxy.IntegrationTests.Support;

namespace KafkaProxy.IntegrationTests.Filters;

/// <summary>Real client traffic through a proxy with filters: what the filter tests drive and check.</summary>
internal static class RoundTrip
{
    /// <summary>
    /// Creates <paramref name="topic"/> (3 partitions), produces <paramref name="count"/> numbered messages with
    /// Confluent.Kafka through the proxy and consumes them in <paramref name="group"/>: every one arrives, once.
    /// </summary>
    public static void ProduceAndConsume(ProxiedCluster proxied, string topic, int count, string group)
    {
        proxied.Cluster.CreateTopic(topic, partitions: 3);
        using (var producer = Clients.Producer(proxied.Bootstrap))
        {
            Clients.ProduceNumbered(producer, topic, count);
        }

        using var consumer = Clients.Consumer(proxied.Bootstrap, group);
        consumer.Subscribe(topic);
        var read = Clients.Consume(consumer, count);
        Assert.Equal(count, read.Select(r => r.Message.Value).Distinct().Count());
    }

    /// <summary>Asserts that a producer's and a consumer's traffic passed: Produce, Fetch, Metadata and ApiVersions.</summary>
    public static void AssertClientApisSeen(IEnumerable<short> apiKeys)
    {
        var keys = apiKeys.ToHashSet();
        Assert.Contains((short)0, keys);  // Produce
        Assert.Contains((short)1, keys);  // Fetch
        Assert.Contains((short)3, keys);  // Metadata
        Assert.Contains((short)18, keys); // ApiVersions
    }
}
