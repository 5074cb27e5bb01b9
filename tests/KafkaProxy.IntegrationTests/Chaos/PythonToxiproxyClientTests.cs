namespace KafkaProxy.IntegrationTests.Chaos;

/// <summary>
/// The Toxiproxy API driven by a client that is not ours: Python's urllib for the API and confluent-kafka (librdkafka)
/// for Kafka, through /usr/bin/python3.
/// </summary>
public sealed class PythonToxiproxyClientTests
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan ScriptPatience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Python_AddsLatencyAndMeasuresIt_DisablesBroker2AndEnablesIt_NothingLost_KafkaErrorFailsDeliveriesUntilRemoved()
    {
        await using var rig = await ChaosRig.StartAsync(serveApi: true);
        rig.TopicLedBy("py-slow", leader: 1);
        rig.Cluster.CreateTopic("py-failover", partitions: 3);
        for (int p = 0; p < 3; p++)
        {
            rig.Cluster.SetPartitionLeader("py-failover", p, p + 1);
        }

        const string script = """
            import json, sys, time, urllib.request
            from confluent_kafka import Producer, Consumer, TopicPartition
            bootstrap, api = sys.argv[1], sys.argv[2].rstrip('/')

            def call(method, path, body=None):
                data = json.dumps(body).encode() if body is not None else None
                request = urllib.request.Request(api + path, data=data, method=method, headers={'Content-Type': 'application/json'})
                with urllib.request.urlopen(request, timeout=30) as response:
                    text = response.read()
                    return json.loads(text) if text else None

            print('PROXIES', ' '.join(sorted(call('GET', '/proxies').keys())))
            producer = Producer({'bootstrap.servers': bootstrap, 'enable.idempotence': True, 'acks': 'all', 'linger.ms': 0})
            producer.produce('py-slow', b'warm'); producer.flush(30)

            toxic = call('POST', '/proxies/broker-1/toxics', {'type': 'latency', 'attributes': {'latency': 300}})
            print('TOXIC', toxic['name'], toxic['attributes']['latency'])
            started = time.monotonic()
            producer.produce('py-slow', b'slow'); producer.flush(30)
            print('LATENCY_MS', int((time.monotonic() - started) * 1000))
            call('DELETE', '/proxies/broker-1/toxics/latency_downstream')
            print('TOXICS_LEFT', len(call('GET', '/proxies/broker-1/toxics')))

            delivered, errors = [0, 0, 0], []
            def report(err, msg):
                if err is not None: errors.append(str(err))
                else: delivered[msg.partition()] += 1
            print('ENABLED', call('POST', '/proxies/broker-2', {'enabled': False})['enabled'])
            for i in range(60):
                producer.produce('py-failover', value=('py-%d' % i).encode(), partition=i % 3, on_delivery=report)
            deadline = time.monotonic() + 60
            while (delivered[0] < 20 or delivered[2] < 20) and time.monotonic() < deadline:
                producer.poll(0.1)
            print('WHILE_DISABLED', delivered[0], delivered[1], delivered[2])
            print('ENABLED', call('POST', '/proxies/broker-2', {'enabled': True})['enabled'])
            producer.flush(60)
            print('DELIVERED', sum(delivered), 'ERRORS', len(errors))

            consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'py-check', 'enable.auto.commit': False})
            consumer.assign([TopicPartition('py-failover', p, 0) for p in range(3)])
            values = []
            deadline = time.monotonic() + 60
            while len(values) < 60 and time.monotonic() < deadline:
                message = consumer.poll(0.5)
                if message is not None and message.error() is None:
                    values.append(message.value().decode())
            consumer.close()
            print('CONSUMED', len(values), 'DISTINCT', len(set(values)))

            # kafka_error: Produce (api key 0) answered with NOT_LEADER_OR_FOLLOWER (6) by broker-1's proxy.
            failed, ok = [], []
            def outcome(err, msg):
                (failed if err is not None else ok).append(str(err) if err is not None else msg.offset())
            toxic = call('POST', '/proxies/broker-1/toxics', {'name': 'produce-errors', 'type': 'kafka_error', 'attributes': {'api_key': 0, 'error_code': 6}})
            print('KAFKA_TOXIC', toxic['name'], toxic['type'], toxic['attributes']['api_key'], toxic['attributes']['error_code'])
            impatient = Producer({'bootstrap.servers': bootstrap, 'acks': 'all', 'linger.ms': 0, 'message.timeout.ms': 2000})
            for i in range(3):
                impatient.produce('py-slow', value=('erred-%d' % i).encode(), on_delivery=outcome)
            impatient.flush(30)
            print('WITH_ERROR', len(failed), len(ok))
            call('DELETE', '/proxies/broker-1/toxics/produce-errors')
            failed.clear(); ok.clear()
            for i in range(3):
                impatient.produce('py-slow', value=('fine-%d' % i).encode(), on_delivery=outcome)
            impatient.flush(30)
            print('AFTER_REMOVAL', len(failed), len(ok))
            """;

        var result = await ExternalProcess.RunAsync(Python, ["-c", script, rig.Chaos.BootstrapServers, rig.Chaos.ApiAddress!.ToString()], ScriptPatience);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("PROXIES broker-1 broker-2 broker-3", lines[0]);
        Assert.Equal("TOXIC latency_downstream 300", lines[1]);
        int measured = int.Parse(lines[2].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(measured >= 300, $"a produce under 300 ms of latency took {measured} ms");
        Assert.Equal(["TOXICS_LEFT 0", "ENABLED False", "WHILE_DISABLED 20 0 20", "ENABLED True", "DELIVERED 60 ERRORS 0", "CONSUMED 60 DISTINCT 60",
            "KAFKA_TOXIC produce-errors kafka_error 0 6", "WITH_ERROR 3 0", "AFTER_REMOVAL 0 3"], lines[3..]);
    }
}
