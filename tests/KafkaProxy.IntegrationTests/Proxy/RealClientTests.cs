using System.Text.RegularExpressions;
using Confluent.Kafka;
using KafkaProxy.IntegrationTests.Support;

namespace KafkaProxy.IntegrationTests.Proxy;

public sealed partial class RealClientTests
{
    [Fact]
    public async Task ConfluentMetadata_OnlyBroker1Mapped_SeesOnlyProxyAddressesForAllThreeBrokers()
    {
        await using var proxied = await ProxiedCluster.StartAsync();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = proxied.Bootstrap }).Build();

        var metadata = admin.GetMetadata(Clients.Patience);

        Assert.Equal([1, 2, 3], metadata.Brokers.Select(b => b.BrokerId).Order());
        Assert.All(metadata.Brokers, b => Assert.Contains(b.Port, proxied.ProxyPorts));
        Assert.DoesNotContain(metadata.Brokers, b => proxied.RealPorts.Contains(b.Port));
        Assert.Equal(3, proxied.Engine.Listeners.Count);
    }

    [Theory]
    [InlineData(Acks.None, false)]
    [InlineData(Acks.Leader, false)]
    [InlineData(Acks.All, false)]
    [InlineData(Acks.All, true)]
    public async Task ConfluentProduceConsume_ThroughProxy_EveryMessageExactlyOnce(Acks acks, bool idempotent)
    {
        await using var proxied = await ProxiedCluster.StartAsync();
        proxied.Cluster.CreateTopic("orders", partitions: 3);

        using (var producer = Clients.Producer(proxied.Bootstrap, acks, idempotent))
        {
            Clients.ProduceNumbered(producer, "orders", 3000);
        }

        using var consumer = Clients.Consumer(proxied.Bootstrap, $"g-{acks}-{idempotent}");
        consumer.Subscribe("orders");
        var values = Clients.Consume(consumer, 3000).Select(r => r.Message.Value).ToList();

        Assert.Equal(Enumerable.Range(0, 3000).Select(i => $"m-{i}").Order(), values.Order());
        Assert.Null(consumer.Consume(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task ConfluentConsumerGroup_CommitsThroughProxy_SecondMemberResumesAfterCommit()
    {
        await using var proxied = await ProxiedCluster.StartAsync();
        proxied.Cluster.CreateTopic("ledger", partitions: 2);
        using (var producer = Clients.Producer(proxied.Bootstrap))
        {
            Clients.ProduceNumbered(producer, "ledger", 200);
        }

        using (var first = Clients.Consumer(proxied.Bootstrap, "accounts"))
        {
            first.Subscribe("ledger");
            Clients.Consume(first, 200);
            first.Commit();
            first.Close();
        }

        using (var producer = Clients.Producer(proxied.Bootstrap))
        {
            Clients.ProduceNumbered(producer, "ledger", 50, prefix: "late");
        }

        using var second = Clients.Consumer(proxied.Bootstrap, "accounts");
        second.Subscribe("ledger");
        var resumed = Clients.Consume(second, 50).Select(r => r.Message.Value).ToList();

        Assert.All(resumed, v => Assert.StartsWith("late-", v, StringComparison.Ordinal));
    }

    [Fact]
    public async Task KcatListMetadata_ThroughProxy_ShowsOnlyProxyPorts()
    {
        await using var proxied = await ProxiedCluster.StartAsync();

        var result = await ExternalProcess.RunAsync("kcat", ["-L", "-b", proxied.Bootstrap, "-m", "15"], Clients.Patience);

        Assert.True(result.ExitCode == 0, result.ToString());
        var ports = BrokerLine().Matches(result.StandardOutput).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(3, ports.Count);
        Assert.All(ports, p => Assert.Contains(p, proxied.ProxyPorts));
    }

    [Fact]
    public async Task KcatProduceAndConsume_ThroughProxy_RoundTripsEveryLine()
    {
        await using var proxied = await ProxiedCluster.StartAsync();
        proxied.Cluster.CreateTopic("lines", partitions: 3);
        var lines = Enumerable.Range(0, 500).Select(i => $"line-{i}").ToList();

        var produce = await ExternalProcess.RunAsync("kcat", ["-P", "-b", proxied.Bootstrap, "-t", "lines", "-X", "acks=all"], Clients.Patience, string.Join('\n', lines) + "\n");
        Assert.True(produce.ExitCode == 0, produce.ToString());
        var consume = await ExternalProcess.RunAsync("kcat", ["-C", "-b", proxied.Bootstrap, "-t", "lines", "-o", "beginning", "-e", "-q"], Clients.Patience);

        Assert.True(consume.ExitCode == 0, consume.ToString());
        Assert.Equal(lines.Order(), consume.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Fact]
    public async Task KafkaPython_ProduceConsumeAndMetadata_ThroughProxy()
    {
        await using var proxied = await ProxiedCluster.StartAsync();
        proxied.Cluster.CreateTopic("py", partitions: 2);
        const string script = """
            import sys
            from kafka import KafkaProducer, KafkaConsumer
            bootstrap = sys.argv[1]
            producer = KafkaProducer(bootstrap_servers=bootstrap, acks='all', api_version_auto_timeout_ms=10000)
            for i in range(300):
                producer.send('py', value=('py-%d' % i).encode())
            producer.flush(30)
            producer.close()
            consumer = KafkaConsumer('py', bootstrap_servers=bootstrap, group_id='pyg', auto_offset_reset='earliest', consumer_timeout_ms=8000, session_timeout_ms=6000)
            values = sorted(m.value.decode() for m in consumer)
            brokers = sorted('%s:%d' % (b.host, b.port) for b in consumer._client.cluster.brokers())
            consumer.close()
            print('COUNT', len(values), len(set(values)))
            print('BROKERS', ' '.join(brokers))
            """;

        var result = await ExternalProcess.RunAsync("/usr/bin/python3", ["-c", script, proxied.Bootstrap], TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("COUNT 300 300", result.StandardOutput, StringComparison.Ordinal);
        var brokers = result.StandardOutput.Split('\n').Single(l => l.StartsWith("BROKERS", StringComparison.Ordinal)).Split(' ')[1..];
        Assert.Equal(3, brokers.Length);
        Assert.All(brokers, b => Assert.Contains(int.Parse(b.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture), proxied.ProxyPorts));
    }

    [GeneratedRegex(@"broker \d+ at [^:\s]+:(\d+)")]
    private static partial Regex BrokerLine();
}
