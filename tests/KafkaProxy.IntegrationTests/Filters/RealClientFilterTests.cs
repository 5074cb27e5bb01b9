using System.Text.RegularExpressions;
using Confluent.Kafka;
using KafkaProxy.IntegrationTests.Support;

namespace KafkaProxy.IntegrationTests.Filters;

/// <summary>
/// The built-in policies and a user filter in front of clients other than Confluent.Kafka: kcat (librdkafka as a
/// command) and kafka-python (the protocol written again in Python). What breaks a policy comes back as
/// POLICY_VIOLATION (44) in the client's own terms and never reaches the cluster, read directly from it.
/// </summary>
public sealed partial class RealClientFilterTests
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan ScriptPatience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Kcat_AcksLeaderAgainstRequireAcksAll_PolicyViolationAndNothingWritten_AcksAllWritten()
    {
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, configure: o => o.Policies.RequireAcks = -1);
        proxied.Cluster.CreateTopic("kcat-orders", partitions: 1);
        string[] leaderOnly = [.. Enumerable.Range(0, 10).Select(i => $"acks1-{i}")];
        string[] all = [.. Enumerable.Range(0, 10).Select(i => $"acksall-{i}")];

        var refused = await ExternalProcess.RunAsync("kcat", ["-P", "-b", proxied.Bootstrap, "-t", "kcat-orders", "-X", "acks=1"], Clients.Patience, Lines(leaderOnly));

        Assert.True(refused.ExitCode != 0, refused.ToString());
        Assert.Contains("Delivery failed for message: Broker: Policy violation", refused.StandardError, StringComparison.Ordinal);
        await proxied.Logs.WaitForLineAsync("filter 'policies' refused api key 0 v");
        Assert.Empty(ReadDirectly(proxied, "kcat-orders"));

        var accepted = await ExternalProcess.RunAsync("kcat", ["-P", "-b", proxied.Bootstrap, "-t", "kcat-orders", "-X", "acks=all"], Clients.Patience, Lines(all));

        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.Equal(all, ReadDirectly(proxied, "kcat-orders"));
    }

    [Fact]
    public async Task KafkaPython_AcksLeaderAgainstRequireAcksAll_PolicyViolationErrorAndNothingWritten_AcksAllWritten()
    {
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, configure: o => o.Policies.RequireAcks = -1);
        proxied.Cluster.CreateTopic("py-orders", partitions: 1);
        const string script = """
            import sys
            from kafka import KafkaProducer, errors
            bootstrap, acks = sys.argv[1], sys.argv[2]
            producer = KafkaProducer(bootstrap_servers=bootstrap, acks=(acks if acks == 'all' else int(acks)), retries=0, api_version_auto_timeout_ms=10000)
            futures = [producer.send('py-orders', value=('acks%s-%d' % (acks, i)).encode()) for i in range(10)]
            for future in futures:
                try:
                    metadata = future.get(timeout=30)
                    print('DELIVERED', metadata.offset)
                except errors.PolicyViolationError as e:
                    print('REFUSED', type(e).__name__, e.errno)
            producer.close(10)
            """;

        var refused = await RunPythonAsync(script, proxied.Bootstrap, "1");

        Assert.Equal(Enumerable.Repeat("REFUSED PolicyViolationError 44", 10), OutputLines(refused));
        await proxied.Logs.WaitForLineAsync("filter 'policies' refused api key 0 v");
        Assert.Empty(ReadDirectly(proxied, "py-orders"));

        var accepted = await RunPythonAsync(script, proxied.Bootstrap, "all");

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"DELIVERED {i}"), OutputLines(accepted));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"acksall-{i}"), ReadDirectly(proxied, "py-orders"));
    }

    [Fact]
    public async Task KafkaPython_ThroughPoliciesAndAFilterWantingEveryRequest_ProducesConsumesAndCommitsInAGroup()
    {
        var watch = LambdaFilter.Watching((_, _) => true);
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, filters: [watch], configure: o =>
        {
            o.Policies.RequireAcks = -1;
            o.Policies.AllowedCompression.Add("gzip");
            o.Policies.TopicNamePattern = "filtered\\..+";
        });
        proxied.Cluster.CreateTopic("filtered.py", partitions: 2);
        const string script = """
            import sys
            from kafka import KafkaProducer, KafkaConsumer, TopicPartition, errors
            bootstrap = sys.argv[1]
            producer = KafkaProducer(bootstrap_servers=bootstrap, acks='all', compression_type='gzip', api_version_auto_timeout_ms=10000)
            # Padded so that gzip shrinks even a batch of one record: kafka-python sends a batch uncompressed when
            # compressing it does not make it smaller, and the policy would refuse that batch for its codec (none).
            futures = [producer.send('filtered.py', key=('k%d' % (i % 7)).encode(), value=('py-%d %s' % (i, 'x' * 200)).encode()) for i in range(300)]
            for future in futures:
                future.get(timeout=30)
            producer.close(10)
            leader_only = KafkaProducer(bootstrap_servers=bootstrap, acks=1, retries=0, compression_type='gzip', api_version_auto_timeout_ms=10000)
            try:
                leader_only.send('filtered.py', value=b'acks=1 ' + b'x' * 200).get(timeout=30)
                print('LEADER-ONLY DELIVERED')
            except errors.PolicyViolationError as e:
                print('LEADER-ONLY REFUSED', e.errno)
            leader_only.close(10)
            consumer = KafkaConsumer('filtered.py', bootstrap_servers=bootstrap, group_id='filtered-group', auto_offset_reset='earliest',
                                     enable_auto_commit=False, consumer_timeout_ms=15000, session_timeout_ms=6000, api_version_auto_timeout_ms=10000)
            values = []
            for message in consumer:
                values.append(message.value.decode().split(' ')[0])
                if len(values) == 300:
                    break
            consumer.commit()
            committed = sum(consumer.committed(TopicPartition('filtered.py', p)) or 0 for p in (0, 1))
            consumer.close()
            print('COUNT', len(values), len(set(values)))
            print('COMMITTED', committed)
            """;

        var result = await RunPythonAsync(script, proxied.Bootstrap);

        Assert.Equal(["LEADER-ONLY REFUSED 44", "COUNT 300 300", "COMMITTED 300"], OutputLines(result));
        var stored = ReadDirectly(proxied, "filtered.py", partitions: 2).Select(v => v.Split(' ')[0]);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"py-{i}").Order(), stored.Order());
        await proxied.Logs.WaitForLineAsync("policy RequireAcks: acks=1, but this proxy requires acks=all (-1)");
        var keys = watch.Seen.Select(s => s.ApiKey).ToHashSet();
        // Produce, Fetch, ListOffsets, Metadata, OffsetCommit, OffsetFetch, FindCoordinator, JoinGroup, LeaveGroup, SyncGroup, ApiVersions
        short[] expected = [0, 1, 2, 3, 8, 9, 10, 11, 13, 14, 18];
        Assert.All(expected, key => Assert.Contains(key, keys));
    }

    [Fact]
    public async Task KafkaPythonAdmin_CreateTopicsAgainstThePolicies_PolicyViolationErrorNamingEachTopic()
    {
        // Only the refusal can be seen here: the test cluster does not speak CreateTopics (nor list it in ApiVersions,
        // so kafka-python would not even send it: the script says the broker takes v0-v3, as a Kafka broker does).
        // A CreateTopics forwarded to it would close the connection instead of answering 44.
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, configure: o =>
        {
            o.Policies.CreateTopicsMinReplicationFactor = 3;
            o.Policies.CreateTopicsMaxPartitions = 10;
        });
        const string script = """
            import sys
            from kafka import KafkaAdminClient, errors
            from kafka.admin import NewTopic
            admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], api_version_auto_timeout_ms=10000, request_timeout_ms=30000)
            admin._client.get_api_versions()[19] = (0, 3)
            try:
                admin.create_topics([NewTopic('too-many-partitions', 50, 3), NewTopic('too-few-replicas', 3, 1), NewTopic('fits', 3, 3)], timeout_ms=5000)
                print('CREATED')
            except errors.PolicyViolationError as e:
                print('REFUSED', type(e).__name__, e.errno)
                print('DETAIL', e)
            admin.close()
            """;

        var result = await RunPythonAsync(script, proxied.Bootstrap);

        var lines = OutputLines(result);
        Assert.Equal("REFUSED PolicyViolationError 44", lines[0]);
        var topics = TopicError().Matches(lines[1]).ToDictionary(m => m.Groups["topic"].Value, m => (Error: m.Groups["error"].Value, Message: m.Groups["message"].Value));
        Assert.Equal(("44", "policy CreateTopicsMaxPartitions: 50 partitions, more than 10"), topics["too-many-partitions"]);
        Assert.Equal(("44", "policy CreateTopicsMinReplicationFactor: replication factor 1, less than 3"), topics["too-few-replicas"]);
        Assert.Equal(("44", "not created: another topic of the same request broke policy CreateTopicsMaxPartitions: 50 partitions, more than 10"), topics["fits"]);
        await proxied.Logs.WaitForLineAsync("filter 'policies' refused api key 19 v3");
    }

    private static string Lines(IEnumerable<string> lines) => string.Join('\n', lines) + "\n";

    private static async Task<ExternalProcess> RunPythonAsync(string script, params string[] arguments)
    {
        var result = await ExternalProcess.RunAsync(Python, ["-c", script, .. arguments], ScriptPatience);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private static List<string> OutputLines(ExternalProcess result) => [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    // Every record of the topic, in offset order per partition, read from the cluster itself, not through the proxy.
    private static List<string> ReadDirectly(ProxiedCluster proxied, string topic, int partitions = 1)
    {
        using var direct = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = proxied.Cluster.BootstrapServers, GroupId = "direct-reader", EnableAutoCommit = false }).Build();
        var values = new List<string>();
        for (int p = 0; p < partitions; p++)
        {
            var partition = new TopicPartition(topic, p);
            long end = direct.QueryWatermarkOffsets(partition, Clients.Patience).High.Value;
            direct.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long next = 0;
            while (next < end)
            {
                Assert.True(clock.Elapsed < Clients.Patience, $"read {next} of {end} records of {partition} within {Clients.Patience}");
                if (direct.Consume(TimeSpan.FromMilliseconds(200)) is { Message: not null } record)
                {
                    values.Add(record.Message.Value);
                    next = record.Offset.Value + 1;
                }
            }
        }

        return values;
    }

    // One topic of kafka-python's CreateTopicsResponse as its message prints it.
    [GeneratedRegex(@"\(topic='(?<topic>[^']*)', error_code=(?<error>-?\d+), error_message='(?<message>[^']*)'\)")]
    private static partial Regex TopicError();
}
