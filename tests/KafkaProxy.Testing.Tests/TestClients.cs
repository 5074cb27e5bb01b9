using System.Diagnostics;
using Confluent.Kafka;

namespace KafkaProxy.Testing.Tests;

internal static class TestClients
{
    public static IProducer<string, string> Producer(string bootstrap, bool idempotent = true, int retries = int.MaxValue) =>
        new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            EnableIdempotence = idempotent,
            Acks = Acks.All,
            LingerMs = 5,
            MessageSendMaxRetries = retries,
            RetryBackoffMs = 50,
        }).Build();

    public static IConsumer<string, string> Consumer(string bootstrap, string group) =>
        new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = group,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = 6000,
            EnableAutoCommit = true,
        }).Build();

    public static List<ConsumeResult<string, string>> ConsumeCount(IConsumer<string, string> consumer, int count, TimeSpan patience)
    {
        var results = new List<ConsumeResult<string, string>>(count);
        var clock = Stopwatch.StartNew();
        while (results.Count < count)
        {
            Assert.True(clock.Elapsed < patience, $"consumed {results.Count} of {count} messages in {patience}");
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is not null)
            {
                results.Add(result);
            }
        }

        return results;
    }
}
