using KafkaProxy.Testing;
using KafkaProxy.Testing.Chaos;

namespace KafkaProxy.ChaosSample;

/// <summary>A three-broker test cluster with a chaos proxy in front: what each test starts with.</summary>
public sealed class ChaosCluster : IAsyncDisposable
{
    private ChaosCluster(KafkaTestCluster cluster, KafkaChaosProxy chaos)
    {
        Cluster = cluster;
        Chaos = chaos;
    }

    public KafkaTestCluster Cluster { get; }

    public KafkaChaosProxy Chaos { get; }

    /// <summary>What the service under test uses as its bootstrap servers.</summary>
    public string BootstrapServers => Chaos.BootstrapServers;

    public static async Task<ChaosCluster> StartAsync()
    {
        var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        try
        {
            return new ChaosCluster(cluster, await KafkaChaosProxy.StartAsync(cluster.BootstrapServers));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A one-partition topic led by <paramref name="broker"/>, so that a fault on that broker hits it.</summary>
    public string TopicLedBy(string topic, int broker)
    {
        Cluster.CreateTopic(topic, partitions: 1);
        Cluster.SetPartitionLeader(topic, 0, broker);
        return topic;
    }

    public async ValueTask DisposeAsync()
    {
        await Chaos.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
