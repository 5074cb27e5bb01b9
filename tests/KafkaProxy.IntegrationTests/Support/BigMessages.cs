using Confluent.Kafka;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>
/// Messages of about 16 KiB (12 KiB of random bytes in base64, numbered), produced in uncompressed batches of up to
/// 4 MiB: the Produce requests and Fetch responses that carry them are big enough to move inside the kernel.
/// </summary>
internal static class BigMessages
{
    public static List<string> Make(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => $"{i:D4}:{Convert.ToBase64String(RandomBytes(random, 12 * 1024))}").ToList();
    }

    /// <summary>
    /// Produces <paramref name="values"/> to <paramref name="topic"/> (one partition) through <paramref name="bootstrap"/>,
    /// then reads them back with a consumer group: all of them, in order and byte for byte as sent.
    /// </summary>
    public static void ProduceAndReadBack(string bootstrap, string topic, IReadOnlyList<string> values)
    {
        using (var producer = Clients.Producer(bootstrap, tune: c => { c.LingerMs = 100; c.BatchSize = 4 << 20; c.CompressionType = CompressionType.None; }))
        {
            foreach (string value in values)
            {
                producer.Produce(topic, new Message<string, string> { Key = "k", Value = value });
            }

            Assert.Equal(0, producer.Flush(Clients.Patience));
        }

        using var consumer = Clients.Consumer(bootstrap, $"{topic}-readers");
        consumer.Subscribe(topic);
        var read = Clients.Consume(consumer, values.Count).Select(r => r.Message.Value).ToList();
        Assert.Equal(values, read); // one partition: in order, and every byte as sent
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
