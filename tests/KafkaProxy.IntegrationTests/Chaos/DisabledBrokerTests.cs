using Confluent.Kafka;

namespace KafkaProxy.IntegrationTests.Chaos;

/// <summary>A chaos proxy disabled takes its broker away (Toxiproxy's <c>enabled: false</c>); enabled, it is back on the same port.</summary>
public sealed class DisabledBrokerTests
{
    [Fact]
    public async Task DisabledBroker_ConnectionsCloseAndNewOnesAreRefused_ProducerCarriesOnWithTheOthers_NothingLostAfterEnable()
    {
        await using var rig = await ChaosRig.StartAsync();
        const string topic = "failover";
        rig.Cluster.CreateTopic(topic, partitions: 3);
        for (int p = 0; p < 3; p++)
        {
            rig.Cluster.SetPartitionLeader(topic, p, p + 1);
        }

        using var producer = Clients.Producer(rig.Chaos.BootstrapServers, tune: c => c.MessageTimeoutMs = 120_000);
        var delivered = new int[3];
        var errors = new List<string>();
        void Send(int count, string phase)
        {
            for (int i = 0; i < count; i++)
            {
                producer.Produce(new TopicPartition(topic, i % 3), new Message<string, string> { Key = "k", Value = $"{phase}-{i}" }, report =>
                {
                    if (report.Error.IsError)
                    {
                        lock (errors)
                        {
                            errors.Add(report.Error.ToString());
                        }
                    }
                    else
                    {
                        Interlocked.Increment(ref delivered[report.Partition.Value]);
                    }
                });
            }
        }

        Send(300, "before");
        Assert.Equal(0, producer.Flush(Clients.Patience));
        using var open = await rig.ConnectAsync("broker-2");
        await open.GetStream().WriteAsync(ChaosRig.ApiVersionsRequest(1));
        await ChaosRig.ReadFrameAsync(open.GetStream());

        rig["broker-2"].Disable();

        Assert.False(rig["broker-2"].Enabled);
        Assert.Equal(0, (await ChaosRig.ReadToEndAsync(open.GetStream())).Bytes); // the open connection closed
        using (var refused = await rig.ConnectAsync("broker-2"))
        {
            await refused.GetStream().WriteAsync(ChaosRig.ApiVersionsRequest(2));
            var (bytes, _, _) = await ChaosRig.ReadToEndAsync(refused.GetStream());
            Assert.Equal(0, bytes); // accepted and closed at once
        }

        Send(300, "during");
        await Support.Eventually.TrueAsync(
            () => Volatile.Read(ref delivered[0]) == 200 && Volatile.Read(ref delivered[2]) == 200,
            () => $"delivered per partition: {string.Join(", ", delivered)}");
        Assert.Equal(100, Volatile.Read(ref delivered[1])); // broker 2's partition waits

        rig["broker-2"].Enable();

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        Assert.Empty(errors);
        Assert.Equal([200, 200, 200], delivered);
        using var consumer = Clients.Consumer(rig.Chaos.BootstrapServers, "failover-check");
        consumer.Subscribe(topic);
        var values = Clients.Consume(consumer, 600).GroupBy(r => r.Partition.Value).ToDictionary(g => g.Key, g => g.Select(r => r.Message.Value).ToList());
        for (int p = 0; p < 3; p++)
        {
            var expected = Enumerable.Range(0, 300).Where(i => i % 3 == p).Select(i => $"before-{i}")
                .Concat(Enumerable.Range(0, 300).Where(i => i % 3 == p).Select(i => $"during-{i}"));
            Assert.Equal(expected, values[p]); // each message once, in order
        }
    }
}
