using System.Diagnostics;
using Confluent.Kafka;

namespace KafkaProxy.Tests.Shared;

/// <summary>Confluent.Kafka clients as the tests use them; compiled into the test projects that reference Confluent.Kafka.</summary>
internal static class Clients
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static IProducer<string, string> Producer(string bootstrap, Acks acks = Acks.All, bool idempotent = true, Action<ProducerConfig>? tune = null)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap,
            Acks = acks,
            EnableIdempotence = idempotent,
            LingerMs = 5,
            RetryBackoffMs = 50,
            SocketTimeoutMs = 10000,
        };
        tune?.Invoke(config);
        return new ProducerBuilder<string, string>(config).Build();
    }

    public static IConsumer<string, string> Consumer(string bootstrap, string group) =>
        new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = group,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = 6000,
            EnableAutoCommit = false,
        }).Build();

    public static List<ConsumeResult<string, string>> Consume(IConsumer<string, string> consumer, int count, TimeSpan? patience = null)
    {
        var limit = patience ?? Patience;
        var results = new List<ConsumeResult<string, string>>(count);
        var clock = Stopwatch.StartNew();
        while (results.Count < count)
        {
            Assert.True(clock.Elapsed < limit, $"consumed {results.Count} of {count} messages within {limit}");
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is not null)
            {
                results.Add(result);
            }
        }

        return results;
    }

    public static void ProduceNumbered(IProducer<string, string> producer, string topic, int count, string prefix = "m")
    {
        for (int i = 0; i < count; i++)
        {
            producer.Produce(topic, new Message<string, string> { Key = $"{prefix}{i % 7}", Value = $"{prefix}-{i}" });
        }

        Assert.Equal(0, producer.Flush(Patience));
    }
}
