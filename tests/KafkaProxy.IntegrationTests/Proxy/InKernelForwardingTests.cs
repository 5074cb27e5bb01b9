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
        BigMessages.ProduceAndReadBack(proxied.Bootstrap, "bulk", BigMessages.Make(180, seed: 18));

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
}
