using System.Diagnostics;
using Confluent.Kafka;
using KafkaProxy.Load.Cluster;

namespace KafkaProxy.Load.Scenarios;

/// <summary>
/// Fills the consume topic once (directly), then a Confluent.Kafka consumer assigned to every partition reads it
/// from the beginning, <see cref="Passes"/> times with a fresh consumer each time: Fetch throughput.
/// </summary>
internal sealed class ConsumeThroughputScenario : IComparedScenario
{
    private const int MessageBytes = 1024;

    // 24 partitions x about 3,300 messages of 1 KiB (with record overhead) stay under the mock's 5 MiB per partition.
    private const int Messages = 80_000;
    // Pass 2 of 3 holds the steady window: the probe brackets it from a tenth of its messages on, once the consumer's
    // connections are up, so that the window counts Fetch responses and not a connection's setup.
    private const int Passes = 3;
    private const int WindowStartsAt = Messages / 10;

    public string Id => "consume-1KiB";

    public string Description => $"consume {Messages:N0} x {MessageBytes} B messages from {BenchTopics.Consume.Partitions} partitions, {Passes} passes (Fetch)";

    public Task PrepareAsync(Target direct) => Task.Run(() =>
    {
        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = direct.BootstrapServers,
            Acks = Acks.All,
            LingerMs = 5,
        }).Build();
        var value = new byte[MessageBytes];
        for (int i = 0; i < Messages; i++)
        {
            // Round robin over the partitions, so each holds the same share.
            producer.Produce(new TopicPartition(BenchTopics.Consume.Name, i % BenchTopics.Consume.Partitions), new Message<Null, byte[]> { Value = value });
            if (i % 10_000 == 0)
            {
                producer.Poll(TimeSpan.Zero);
            }
        }

        if (producer.Flush(TimeSpan.FromSeconds(60)) != 0)
        {
            throw new InvalidOperationException("the consume topic could not be filled within 60 s");
        }
    });

    public Task<IReadOnlyList<Figure>> RunAsync(Target target, ISteadyStateProbe probe) => Task.Run(() => Run(target, probe));

    private static IReadOnlyList<Figure> Run(Target target, ISteadyStateProbe probe)
    {
        var partitions = Enumerable.Range(0, BenchTopics.Consume.Partitions)
            .Select(p => new TopicPartitionOffset(BenchTopics.Consume.Name, p, Offset.Beginning)).ToList();
        long received = 0;
        var clock = Stopwatch.StartNew();
        for (int pass = 0; pass < Passes; pass++)
        {
            using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
            {
                BootstrapServers = target.BootstrapServers,
                GroupId = "kafkaproxy-load",
                EnableAutoCommit = false,
                EnablePartitionEof = false,
            }).Build();
            consumer.Assign(partitions);
            long thisPass = 0;

            var deadline = Stopwatch.StartNew();
            while (thisPass < Messages)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is not null)
                {
                    if (++thisPass == WindowStartsAt && pass == 1)
                    {
                        probe.Begin();
                    }
                }
                else if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new InvalidOperationException($"consume via {target.Name}: {thisPass} of {Messages} messages after 60 s");
                }
            }

            received += thisPass;
            if (pass == 1)
            {
                probe.End();
            }

            consumer.Close();
        }

        double rate = received / clock.Elapsed.TotalSeconds;
        return
        [
            new Figure("throughput", rate, "msgs/s", HigherIsBetter: true),
            new Figure("payload", rate * MessageBytes / 1e6, "MB/s", HigherIsBetter: true),
        ];
    }
}
