using System.Diagnostics;
using Confluent.Kafka;
using KafkaProxy.Load.Cluster;

namespace KafkaProxy.Load.Scenarios;

/// <summary>
/// A Confluent.Kafka producer (acks=all, linger 5 ms) writes fixed-size messages for a fixed time, then flushes;
/// throughput counts messages acknowledged between the first send and the end of the flush. With
/// <c>batch.num.messages=1</c> every ProduceRequest carries one message, so the request rate is the limit.
/// </summary>
internal sealed class ProduceThroughputScenario(int messageBytes, bool oneMessagePerBatch, TimeSpan duration) : IComparedScenario
{
    // Messages sent but not yet acknowledged; below librdkafka's queue limit, so a send never fails with QueueFull.
    private const int MaxOutstanding = 100_000;
    private const int MaxInFlightRequestBound = 1000;

    public string Id => oneMessagePerBatch ? $"produce-{messageBytes}B-batch1" : $"produce-{messageBytes}B";

    public string Description => oneMessagePerBatch
        ? $"produce {messageBytes} B messages, batch.num.messages=1 (request-rate bound), acks=all"
        : $"produce {messageBytes} B messages, linger 5 ms, acks=all";

    public Task PrepareAsync(Target direct) => Task.CompletedTask;

    public Task<IReadOnlyList<Figure>> RunAsync(Target target, ISteadyStateProbe probe) => Task.Run(() => Run(target, probe));

    private IReadOnlyList<Figure> Run(Target target, ISteadyStateProbe probe)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = target.BootstrapServers,
            ClientId = "kafkaproxy-load",
            Acks = Acks.All,
            LingerMs = 5,
            QueueBufferingMaxMessages = 2 * MaxOutstanding,
        };
        if (oneMessagePerBatch)
        {
            config.BatchNumMessages = 1;

            // librdkafka's default is 1,000,000 in flight per connection; the proxy holds a client back at 1024
            // (kafka-max-open-requests). Both sides get the same cap, below that limit, so that they compare alike.
            config.MaxInFlight = MaxInFlightRequestBound;
        }

        using var producer = new ProducerBuilder<Null, byte[]>(config).Build();
        using var window = new SemaphoreSlim(MaxOutstanding, MaxOutstanding);
        long delivered = 0;
        long failed = 0;
        var message = new Message<Null, byte[]> { Value = new byte[messageBytes] };
        void OnDelivered(DeliveryReport<Null, byte[]> report)
        {
            if (report.Error.IsError)
            {
                Interlocked.Increment(ref failed);
            }
            else
            {
                Interlocked.Increment(ref delivered);
            }

            window.Release();
        }

        // Warm up: metadata, one connection per broker, a first batch to every partition.
        Send(producer, message, window, OnDelivered, TimeSpan.FromSeconds(1));
        producer.Flush(TimeSpan.FromSeconds(30));
        Interlocked.Exchange(ref delivered, 0);
        Interlocked.Exchange(ref failed, 0);

        var clock = Stopwatch.StartNew();
        Send(producer, message, window, OnDelivered, duration / 5);
        probe.Begin();
        Send(producer, message, window, OnDelivered, duration * 3 / 5);
        probe.End();
        Send(producer, message, window, OnDelivered, duration / 5);
        if (producer.Flush(TimeSpan.FromSeconds(60)) != 0)
        {
            throw new InvalidOperationException($"{Id} via {target.Name}: messages were still unacknowledged 60 s after the last send.");
        }

        double seconds = clock.Elapsed.TotalSeconds;
        if (Interlocked.Read(ref failed) > 0)
        {
            throw new InvalidOperationException($"{Id} via {target.Name}: {failed} messages failed to be delivered.");
        }

        double rate = delivered / seconds;
        return
        [
            new Figure("throughput", rate, "msgs/s", HigherIsBetter: true),
            new Figure("payload", rate * messageBytes / 1e6, "MB/s", HigherIsBetter: true),
        ];
    }

    private static void Send(IProducer<Null, byte[]> producer, Message<Null, byte[]> message, SemaphoreSlim window, Action<DeliveryReport<Null, byte[]>> onDelivered, TimeSpan duration)
    {
        string topic = BenchTopics.Produce.Name;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            // Check the clock every 256 messages; the rest of the time, send.
            for (int i = 0; i < 256; i++)
            {
                window.Wait();
                producer.Produce(topic, message, onDelivered);
            }
        }
    }
}
