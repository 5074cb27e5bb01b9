using Confluent.Kafka;

namespace KafkaProxy.ChaosSample;

/// <summary>
/// The service under test, as small as a sample allows: it publishes orders (idempotent, acks=all) and reads them
/// back. Yours goes here instead; the tests only need its bootstrap servers to point at the chaos proxy.
/// </summary>
public sealed class OrdersService(string bootstrapServers, TimeSpan deliveryTimeout) : IDisposable
{
    private readonly IProducer<string, string> _producer = new ProducerBuilder<string, string>(new ProducerConfig
    {
        BootstrapServers = bootstrapServers,
        EnableIdempotence = true,
        Acks = Acks.All,
        MessageTimeoutMs = (int)deliveryTimeout.TotalMilliseconds,
        SocketTimeoutMs = 5000,
    }).Build();

    /// <summary>Publishes one order; throws when Kafka did not take it within the delivery timeout.</summary>
    public Task PublishAsync(string topic, string order) =>
        _producer.ProduceAsync(topic, new Message<string, string> { Key = "orders", Value = order });

    /// <summary>Publishes orders one after another, without waiting for each (as a busy service does), then waits for all.</summary>
    public async Task PublishAllAsync(string topic, IEnumerable<string> orders) =>
        await Task.WhenAll(orders.Select(o => PublishAsync(topic, o)));

    /// <summary>Reads <paramref name="count"/> orders from the start of <paramref name="topic"/>, or as many as come within <paramref name="patience"/>.</summary>
    public static List<string> Read(string bootstrapServers, string topic, int count, TimeSpan patience)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "orders-reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var orders = new List<string>();
        var deadline = DateTime.UtcNow + patience;
        while (orders.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record)
            {
                orders.Add(record.Message.Value);
            }
        }

        consumer.Close();
        return orders;
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }
}
