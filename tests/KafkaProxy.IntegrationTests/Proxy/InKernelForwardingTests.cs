using Confluent.Kafka;
using KafkaProxy.IntegrationTests.Support;

namespace KafkaProxy.IntegrationTests.Proxy;

/// <summary>
/// Big pass-through frames on plain TCP go from socket to socket inside the kernel (Linux splice, issue 18): what the
/// clients send and read must be byte for byte what they would without the proxy, whatever path the bytes took.
/// </summary>
public sealed class InKernelForwardingTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ProduceAndConsume_BigBatches_MovedInTheKernelUnlessTurnedOffAndEveryMessageIntact(bool forwardInKernel)
    {
        await using var proxied = await ProxiedCluster.StartAsync(configure: o => o.ForwardInKernel = forwardInKernel);
        proxied.Cluster.CreateTopic("bulk", partitions: 1);
        var random = new Random(18);
        var values = Enumerable.Range(0, 180).Select(i => $"{i:D4}:{Convert.ToBase64String(RandomBytes(random, 12 * 1024))}").ToList();

        using (var producer = Clients.Producer(proxied.Bootstrap, tune: c => { c.LingerMs = 100; c.BatchSize = 4 << 20; c.CompressionType = CompressionType.None; }))
        {
            foreach (string value in values)
            {
                producer.Produce("bulk", new Message<string, string> { Key = "k", Value = value });
            }

            Assert.Equal(0, producer.Flush(Clients.Patience));
        }

        using var consumer = Clients.Consumer(proxied.Bootstrap, "bulk-readers");
        consumer.Subscribe("bulk");
        var read = Clients.Consume(consumer, values.Count).Select(r => r.Message.Value).ToList();

        Assert.Equal(values, read); // one partition: in order, and every byte as sent
        var metrics = proxied.Engine.Metrics;
        if (forwardInKernel)
        {
            Assert.True(metrics.SplicedRequestBytes > 1 << 20, $"{metrics.SplicedRequestBytes} request bytes moved in the kernel");
            Assert.True(metrics.SplicedResponseBytes > 1 << 20, $"{metrics.SplicedResponseBytes} response bytes moved in the kernel");
        }
        else
        {
            Assert.Equal(0, metrics.SplicedRequestBytes + metrics.SplicedResponseBytes);
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
