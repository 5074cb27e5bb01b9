using System.Buffers.Binary;
using System.Diagnostics;
using Confluent.Kafka;
using KafkaProxy.Testing.Chaos;

namespace KafkaProxy.IntegrationTests.Chaos;

/// <summary>
/// The Kafka-level toxics through the C# chaos proxy, each seen by a Confluent.Kafka client, and each followed by
/// clients working again once it is removed. Times are asserted as lower bounds only.
/// </summary>
public sealed class KafkaToxicTests
{
    [Fact]
    public async Task KafkaError_CountThree_ExactlyThreeProduceRequestsRefused_ThenDelivered()
    {
        await using var rig = await ChaosRig.StartAsync();
        string topic = rig.TopicLedBy("errors", leader: 1);
        using var producer = Clients.Producer(rig.Chaos.BootstrapServers, idempotent: false, tune: c => { c.MessageSendMaxRetries = 0; c.LingerMs = 0; });
        await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "warm" }).WaitAsync(Clients.Patience);

        // MESSAGE_TOO_LARGE (10): a client does not retry it, so each refusal is one failed message.
        rig["broker-1"].AddToxic(ChaosToxic.KafkaError(apiKey: 0, errorCode: 10, topic, count: 3));
        var outcomes = new List<ErrorCode>();
        for (int i = 0; i < 5; i++)
        {
            try
            {
                await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = $"m{i}" }).WaitAsync(Clients.Patience);
                outcomes.Add(ErrorCode.NoError);
            }
            catch (ProduceException<string, string> ex)
            {
                outcomes.Add(ex.Error.Code);
            }
        }

        // Each request carried one message (no retries, no lingering): the first three were refused, then the count was used up.
        Assert.Equal([ErrorCode.MsgSizeTooLarge, ErrorCode.MsgSizeTooLarge, ErrorCode.MsgSizeTooLarge, ErrorCode.NoError, ErrorCode.NoError], outcomes);
        rig["broker-1"].RemoveToxic("kafka_error_downstream");
        await rig.AssertClientsWorkAsync(topic);
    }

    [Fact]
    public async Task LeaderStorm_IdempotentProducer_DeliversEverythingOnceInOrder()
    {
        await using var rig = await ChaosRig.StartAsync();
        string topic = rig.TopicLedBy("storm", leader: 2);
        using var producer = Clients.Producer(rig.Chaos.BootstrapServers, tune: c => c.MessageTimeoutMs = 60_000);
        await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "m-warm" }).WaitAsync(Clients.Patience);

        rig["broker-2"].AddToxic(ChaosToxic.LeaderStorm(topic, TimeSpan.FromSeconds(5)));
        using (var probe = Clients.Producer(rig.Chaos.BootstrapServers, idempotent: false, tune: c => c.MessageTimeoutMs = 1500))
        {
            // The client retries NOT_LEADER_OR_FOLLOWER until its message times out: the storm is on.
            var refused = await Assert.ThrowsAsync<ProduceException<string, string>>(() => probe.ProduceAsync(topic, new Message<string, string> { Key = "p", Value = "probe" }));
            Assert.Equal(ErrorCode.Local_MsgTimedOut, refused.Error.Code);
        }

        var sending = Task.Run(() => Clients.ProduceNumbered(producer, topic, 500));
        await sending.WaitAsync(TimeSpan.FromSeconds(90));

        using var consumer = Clients.Consumer(rig.Chaos.BootstrapServers, "storm-check");
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var values = Clients.Consume(consumer, 501).Select(r => r.Message.Value).Where(v => v.StartsWith('m') && v != "m-warm").ToList();
        Assert.Equal(500, values.Count);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"m-{i}"), values); // once each, in order
    }

    [Fact]
    public async Task Corrupt_ConsumerCheckingCrcs_ReportsABadMessage_CleanAfterRemoval()
    {
        await using var rig = await ChaosRig.StartAsync();
        string topic = rig.TopicLedBy("corrupt", leader: 1);
        using (var producer = Clients.Producer(rig.Chaos.BootstrapServers))
        {
            Clients.ProduceNumbered(producer, topic, 10);
        }

        rig["broker-1"].AddToxic(ChaosToxic.Corrupt(topic));
        using (var consumer = CrcCheckingConsumer(rig.Chaos.BootstrapServers))
        {
            consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
            var error = ConsumeError(consumer);
            Assert.NotNull(error);
            Assert.Equal(ErrorCode.Local_BadMsg, error.Code);
            Assert.Contains("CRC", error.Reason, StringComparison.OrdinalIgnoreCase);
        }

        rig["broker-1"].RemoveToxic("kafka_corrupt_downstream");
        using (var consumer = CrcCheckingConsumer(rig.Chaos.BootstrapServers))
        {
            consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m-{i}"), Clients.Consume(consumer, 10).Select(r => r.Message.Value));
        }
    }

    [Fact]
    public async Task SchemaId_RegistryFramedValues_ReachConsumersWithTheToxicsId_TheirOwnAfterRemoval()
    {
        await using var rig = await ChaosRig.StartAsync();
        string topic = rig.TopicLedBy("schemas", leader: 3);
        using (var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = rig.Chaos.BootstrapServers, CompressionType = CompressionType.None }).Build())
        {
            for (int i = 0; i < 5; i++)
            {
                byte[] value = [0, 0, 0, 0, 1, (byte)'v', (byte)('0' + i)]; // magic 0, schema id 1, payload
                await producer.ProduceAsync(topic, new Message<Null, byte[]> { Value = value }).WaitAsync(Clients.Patience);
            }
        }

        rig["broker-3"].AddToxic(ChaosToxic.SchemaId(4242, topic));
        Assert.All(ReadValues(rig.Chaos.BootstrapServers, topic, 5), v =>
        {
            Assert.Equal(4242, BinaryPrimitives.ReadInt32BigEndian(v.AsSpan(1)));
            Assert.Equal((byte)'v', v[5]); // the payload is untouched
        });

        rig["broker-3"].RemoveToxic("kafka_schema_id_downstream");
        Assert.All(ReadValues(rig.Chaos.BootstrapServers, topic, 5), v => Assert.Equal(1, BinaryPrimitives.ReadInt32BigEndian(v.AsSpan(1))));
    }

    [Fact]
    public async Task Throttle_OneClientId_ItsProducesWaitAtLeastTheThrottle_GoneAfterRemoval()
    {
        await using var rig = await ChaosRig.StartAsync();
        string topic = rig.TopicLedBy("throttled", leader: 1);
        var throttle = TimeSpan.FromMilliseconds(400);
        using var slow = Clients.Producer(rig.Chaos.BootstrapServers, tune: c => c.ClientId = "slow-app");
        await slow.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "warm" }).WaitAsync(Clients.Patience);

        rig["broker-1"].AddToxic(ChaosToxic.Throttle(throttle, clientId: "slow-app"));
        for (int i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            await slow.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = $"slow-{i}" }).WaitAsync(Clients.Patience);
            Assert.True(clock.Elapsed >= throttle, $"a throttled produce took {clock.Elapsed}, less than the throttle {throttle}");
        }

        rig["broker-1"].RemoveToxic("kafka_throttle_downstream");
        await rig.AssertClientsWorkAsync(topic);
    }

    [Fact]
    public async Task Duplicate_ProducerWithoutIdempotence_EachRecordWrittenTwice_OnceAfterRemoval()
    {
        await using var rig = await ChaosRig.StartAsync();
        string topic = rig.TopicLedBy("twice", leader: 2);
        using var producer = Clients.Producer(rig.Chaos.BootstrapServers, acks: Acks.Leader, idempotent: false, tune: c => c.LingerMs = 0);

        rig["broker-2"].AddToxic(ChaosToxic.Duplicate(topic));
        for (int i = 0; i < 3; i++)
        {
            await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = $"d{i}" }).WaitAsync(Clients.Patience);
        }

        rig["broker-2"].RemoveToxic("kafka_duplicate_downstream");
        await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "once" }).WaitAsync(Clients.Patience);

        using var consumer = Clients.Consumer(rig.Chaos.BootstrapServers, "twice-check");
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        Assert.Equal(["d0", "d0", "d1", "d1", "d2", "d2", "once"], Clients.Consume(consumer, 7).Select(r => r.Message.Value));
        Assert.Null(consumer.Consume(TimeSpan.FromMilliseconds(500)));
    }

    private static IConsumer<string, string> CrcCheckingConsumer(string bootstrap) =>
        new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "crc-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            CheckCrcs = true,
        }).Build();

    // The first error the consumer reports (as an exception from Consume), or null when it reads cleanly for a while.
    private static Error? ConsumeError(IConsumer<string, string> consumer)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Clients.Patience)
        {
            try
            {
                consumer.Consume(TimeSpan.FromMilliseconds(200));
            }
            catch (ConsumeException ex)
            {
                return ex.Error;
            }
        }

        return null;
    }

    private static List<byte[]> ReadValues(string bootstrap, string topic, int count)
    {
        using var consumer = new ConsumerBuilder<Null, byte[]>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "values-" + Guid.NewGuid().ToString("N"), EnableAutoCommit = false }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var values = new List<byte[]>();
        var clock = Stopwatch.StartNew();
        while (values.Count < count && clock.Elapsed < Clients.Patience)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } result)
            {
                values.Add(result.Message.Value);
            }
        }

        Assert.Equal(count, values.Count);
        return values;
    }
}
