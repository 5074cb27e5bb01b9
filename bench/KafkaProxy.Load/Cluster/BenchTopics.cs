namespace KafkaProxy.Load.Cluster;

/// <summary>The topics the cluster process creates, and the cluster's size.</summary>
internal static class BenchTopics
{
    public const int Brokers = 3;

    /// <summary>Produce scenarios write here: 6 partitions, 2 led by each broker, replication factor 3 (acks=all waits for all).</summary>
    public static readonly BenchTopic Produce = new("load-produce", 6);

    /// <summary>
    /// Consume scenarios read here. The mock keeps about 5 MiB per partition, so the data set is spread over 24
    /// partitions of at most 4 MiB each.
    /// </summary>
    public static readonly BenchTopic Consume = new("load-consume", 24);

    /// <summary>The HTTP gateway scenarios and their direct producer write here.</summary>
    public static readonly BenchTopic Gateway = new("load-gateway", 6);

    public static readonly BenchTopic[] All = [Produce, Consume, Gateway];
}
