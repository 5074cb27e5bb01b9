using Confluent.Kafka;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.IntegrationTests.Filters;

/// <summary>
/// The policies in front of a real client: what breaks one gets POLICY_VIOLATION (44) in the message's own layout and
/// never reaches the cluster (read directly from it); what follows them passes.
/// </summary>
public sealed class PolicyTests
{
    private static readonly string[] TwoTopics = ["orders.eu", "scratch"];

    [Fact]
    public async Task RequireAcksAll_LeaderAcksRefusedWithPolicyViolation_AllAcksPass()
    {
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, configure: o => o.Policies.RequireAcks = -1);
        proxied.Cluster.CreateTopic("orders");

        using (var leaderOnly = Clients.Producer(proxied.Bootstrap, Acks.Leader, idempotent: false))
        {
            var refused = await Assert.ThrowsAsync<ProduceException<string, string>>(() => leaderOnly.ProduceAsync("orders", new Message<string, string> { Key = "k", Value = "acks=1" }));
            Assert.Equal(ErrorCode.PolicyViolation, refused.Error.Code);
        }

        Assert.Equal(0, HighWatermark(proxied, "orders"));
        await proxied.Logs.WaitForLineAsync("filter 'policies' refused api key 0 v");
        using var all = Clients.Producer(proxied.Bootstrap, Acks.All);
        var delivered = await all.ProduceAsync("orders", new Message<string, string> { Key = "k", Value = "acks=all" });
        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        Assert.Equal(1, HighWatermark(proxied, "orders"));
    }

    [Fact]
    public async Task RequireAcksLeader_AcksZero_ConnectionClosedAndNothingWritten()
    {
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, configure: o => o.Policies.RequireAcks = 1);
        proxied.Cluster.CreateTopic("orders");

        using (var fireAndForget = Clients.Producer(proxied.Bootstrap, Acks.None, idempotent: false))
        {
            fireAndForget.Produce("orders", new Message<string, string> { Key = "k", Value = "acks=0" });
            fireAndForget.Flush(Clients.Patience);
        }

        string line = await proxied.Logs.WaitForLineAsync("filter 'policies' closed the connection: policy RequireAcks: acks=0");
        Assert.Contains("acks=0", line, StringComparison.Ordinal);
        Assert.Equal(0, HighWatermark(proxied, "orders"));
    }

    [Theory]
    [InlineData("gzip", false)]
    [InlineData("lz4", true)]
    [InlineData("none", true)]
    public async Task AllowedCompression_OtherCodecsRefused(string codec, bool allowed)
    {
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, configure: o =>
        {
            o.Policies.AllowedCompression.Add("none");
            o.Policies.AllowedCompression.Add("lz4");
        });
        proxied.Cluster.CreateTopic("compressed");
        using var producer = Clients.Producer(proxied.Bootstrap, tune: c => c.CompressionType = Enum.Parse<CompressionType>(codec, ignoreCase: true));

        var outcome = await Record.ExceptionAsync(() => producer.ProduceAsync("compressed", new Message<string, string> { Key = "k", Value = new string('x', 500) }));

        if (allowed)
        {
            Assert.Null(outcome);
            Assert.Equal(1, HighWatermark(proxied, "compressed"));
        }
        else
        {
            Assert.Equal(ErrorCode.PolicyViolation, Assert.IsType<ProduceException<string, string>>(outcome).Error.Code);
            Assert.Equal(0, HighWatermark(proxied, "compressed"));
        }
    }

    [Fact]
    public async Task RequireIdempotenceAndTopicPattern_EachRefusesWhatBreaksIt()
    {
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, configure: o =>
        {
            o.Policies.RequireIdempotence = true;
            o.Policies.TopicNamePattern = "orders\\.[a-z]+";
        });
        proxied.Cluster.CreateTopic("orders.eu");
        proxied.Cluster.CreateTopic("scratch");

        using (var plain = Clients.Producer(proxied.Bootstrap, Acks.All, idempotent: false))
        {
            var refused = await Assert.ThrowsAsync<ProduceException<string, string>>(() => plain.ProduceAsync("orders.eu", new Message<string, string> { Key = "k", Value = "v" }));
            Assert.Equal(ErrorCode.PolicyViolation, refused.Error.Code);
        }

        using var idempotent = Clients.Producer(proxied.Bootstrap);
        var wrongTopic = await Assert.ThrowsAsync<ProduceException<string, string>>(() => idempotent.ProduceAsync("scratch", new Message<string, string> { Key = "k", Value = "v" }));
        Assert.Equal(ErrorCode.PolicyViolation, wrongTopic.Error.Code);
        await idempotent.ProduceAsync("orders.eu", new Message<string, string> { Key = "k", Value = "v" });

        Assert.Equal(1, HighWatermark(proxied, "orders.eu"));
        Assert.Equal(0, HighWatermark(proxied, "scratch"));
    }

    [Fact]
    public async Task MaxRecordBatchBytes_LargerBatchRefused()
    {
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, configure: o => o.Policies.MaxRecordBatchBytes = 4096);
        proxied.Cluster.CreateTopic("sized");
        using var producer = Clients.Producer(proxied.Bootstrap);

        await producer.ProduceAsync("sized", new Message<string, string> { Key = "k", Value = new string('s', 100) });
        var refused = await Assert.ThrowsAsync<ProduceException<string, string>>(() => producer.ProduceAsync("sized", new Message<string, string> { Key = "k", Value = new string('L', 10_000) }));

        Assert.Equal(ErrorCode.PolicyViolation, refused.Error.Code);
        Assert.Equal(1, HighWatermark(proxied, "sized"));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)] // flexible
    public async Task CreateTopics_BreakingThePolicies_RefusedPerTopicWithTheReason(short version)
    {
        // The test cluster has no CreateTopics (nor do clients send it to a broker that does not list it): raw requests.
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, configure: o =>
        {
            o.Policies.CreateTopicsMinReplicationFactor = 3;
            o.Policies.CreateTopicsMaxPartitions = 10;
        });
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        bool flexible = version >= 5;

        byte[] response = await raw.SendAsync(19, version, flexible, w =>
        {
            w.WriteArrayLength(2, flexible);
            foreach (var (name, partitions, replicas) in new[] { ("too-few-replicas", 3, (short)1), ("too-many-partitions", 50, (short)3) })
            {
                w.WriteString(name, flexible);
                w.WriteInt32(partitions);
                w.WriteInt16(replicas);
                w.WriteArrayLength(0, flexible); // assignments
                w.WriteArrayLength(0, flexible); // configs
                if (flexible)
                {
                    w.WriteUnsignedVarInt(0);
                }
            }

            w.WriteInt32(5000);  // timeout
            w.WriteBool(false);  // validate only
            if (flexible)
            {
                w.WriteUnsignedVarInt(0);
            }
        });

        var reader = new KafkaReader(new System.Buffers.ReadOnlySequence<byte>(response));
        if (flexible)
        {
            reader.SkipTaggedFields(); // response header v1
        }

        Assert.Equal(0, reader.ReadInt32()); // throttle
        Assert.Equal(2, reader.ReadArrayLength(flexible));
        var topics = new Dictionary<string, (short Error, string? Message)>();
        for (int i = 0; i < 2; i++)
        {
            string name = reader.ReadString(flexible)!;
            short error = reader.ReadInt16();
            string? message = reader.ReadString(flexible);
            if (flexible)
            {
                reader.ReadInt32();
                reader.ReadInt16();
                Assert.Equal(-1, reader.ReadArrayLength(flexible));
                reader.SkipTaggedFields();
            }

            topics[name] = (error, message);
        }

        Assert.Equal((short)44, topics["too-few-replicas"].Error);
        Assert.Equal("policy CreateTopicsMinReplicationFactor: replication factor 1, less than 3", topics["too-few-replicas"].Message);
        Assert.Equal((short)44, topics["too-many-partitions"].Error);
        Assert.Equal("policy CreateTopicsMaxPartitions: 50 partitions, more than 10", topics["too-many-partitions"].Message);
    }

    [Fact]
    public async Task CreateTopics_OneTopicPasses_RefusedTooSayingWhy()
    {
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, configure: o => o.Policies.TopicNamePattern = "orders\\..+");
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        byte[] response = await raw.SendAsync(19, 1, flexible: false, w =>
        {
            w.WriteInt32(2);
            foreach (string name in TwoTopics)
            {
                w.WriteString(name, compact: false);
                w.WriteInt32(1);
                w.WriteInt16(1);
                w.WriteInt32(0);
                w.WriteInt32(0);
            }

            w.WriteInt32(5000);
            w.WriteBool(false);
        });

        var reader = new KafkaReader(new System.Buffers.ReadOnlySequence<byte>(response));
        Assert.Equal(2, reader.ReadInt32()); // v1: no throttle time
        Assert.Equal("orders.eu", reader.ReadString(false));
        Assert.Equal(44, reader.ReadInt16());
        Assert.Equal("not created: another topic of the same request broke policy TopicNamePattern: topic 'scratch' does not match orders\\..+", reader.ReadString(false));
        Assert.Equal("scratch", reader.ReadString(false));
        Assert.Equal(44, reader.ReadInt16());
        Assert.StartsWith("policy TopicNamePattern", reader.ReadString(false), StringComparison.Ordinal);
    }

    // The partition's end offset, read from the cluster itself, not through the proxy.
    private static long HighWatermark(ProxiedCluster proxied, string topic)
    {
        using var direct = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = proxied.Cluster.BootstrapServers, GroupId = "watermarks" }).Build();
        return direct.QueryWatermarkOffsets(new TopicPartition(topic, 0), Clients.Patience).High.Value;
    }
}
