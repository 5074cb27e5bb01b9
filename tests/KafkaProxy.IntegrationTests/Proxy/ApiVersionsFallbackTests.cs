using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.IntegrationTests.Proxy;

/// <summary>
/// A client newer than the proxy sends ApiVersions of a version the proxy cannot clamp: it must get what the broker
/// answers (UNSUPPORTED_VERSION with the versions to retry with, KIP-511), not a closed connection.
/// </summary>
public sealed class ApiVersionsFallbackTests
{
    [Fact]
    public async Task ApiVersions_V3ToV127_SameAnswersAsDirect_AndTheConnectionStaysUsable()
    {
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1);
        var broker = proxied.Cluster.Brokers[0];
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var direct = await RawKafkaClient.ConnectAsync(broker.Host, broker.Port);
        await using var throughProxy = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        for (short version = 3; version <= 127; version++)
        {
            byte[] expected = await direct.SendAsync(18, version, flexible: true, ClientSoftware);
            byte[] actual = await throughProxy.SendAsync(18, version, flexible: true, ClientSoftware);

            Assert.True(expected.AsSpan().SequenceEqual(actual), $"ApiVersions v{version}: {Convert.ToHexString(expected)} direct, {Convert.ToHexString(actual)} through the proxy");
            Assert.Equal(35, (short)((actual[0] << 8) | actual[1])); // the test cluster speaks ApiVersions 0-2
        }

        // The retry a client makes next, on the same connection.
        byte[] retried = await throughProxy.SendAsync(18, 2, flexible: false, _ => { });
        Assert.Equal(0, (short)((retried[0] << 8) | retried[1]));
    }

    private static void ClientSoftware(System.Buffers.ArrayBufferWriter<byte> body)
    {
        body.WriteString("kafka-proxy-tests", compact: true);
        body.WriteString("1.0", compact: true);
        body.WriteUnsignedVarInt(0);
    }
}
