using KafkaProxy.Testing;

namespace KafkaProxy.Load.Cluster;

/// <summary>
/// Runs the 3-broker test cluster in this process until standard input closes (the parent ended or let go of it),
/// so that its CPU is neither the proxy's nor the clients'. Prints one line, <c>BOOTSTRAP host:port,...</c>, once
/// the topics exist.
/// </summary>
internal static class ClusterCommand
{
    public const string BootstrapPrefix = "BOOTSTRAP ";

    public static async Task<int> RunAsync()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: BenchTopics.Brokers);
        foreach (var topic in BenchTopics.All)
        {
            cluster.CreateTopic(topic.Name, topic.Partitions, replicationFactor: BenchTopics.Brokers);
        }

        Console.Out.WriteLine(BootstrapPrefix + cluster.BootstrapServers);
        Console.Out.Flush();

        // The parent closes our stdin to stop us; if it dies, the pipe closes too.
        await Console.In.ReadToEndAsync();
        return 0;
    }
}
