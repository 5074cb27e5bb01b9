using System.Buffers.Binary;
using System.Buffers;
using System.Net.Sockets;
using Confluent.Kafka;
using KafkaProxy.Core.Configuration;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.IntegrationTests.Proxy;

public sealed class ListenerAndLimitTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(12)]
    public async Task ConfluentMetadata_ClusterLimitedToOneVersion_StillSeesOnlyProxyAddresses(short version)
    {
        await using var proxied = await ProxiedCluster.StartAsync();
        proxied.Cluster.SetApiVersionRange(3, version, version);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = proxied.Bootstrap }).Build();

        var metadata = admin.GetMetadata(Clients.Patience);

        Assert.Equal(3, metadata.Brokers.Count);
        Assert.All(metadata.Brokers, b => Assert.Contains(b.Port, proxied.ProxyPorts));
    }

    [Fact]
    public async Task DialAddressMapping_BrokerAdvertisesUnreachableName_ProxyDialsTheMappedAddress()
    {
        await using var cluster = await Testing.KafkaTestCluster.StartAsync(brokers: 2);
        var second = cluster.Brokers[1];
        cluster.SetAdvertisedAddress(2, "broker-2.invalid", 29092);
        cluster.CreateTopic("dialed", partitions: 1);
        cluster.SetPartitionLeader("dialed", 0, 2);
        var options = new KafkaProxyOptions();
        options.Brokers.Add(new BrokerMapping { Upstream = new HostPort("127.0.0.1", cluster.Brokers[0].Port), Listen = new HostPort("127.0.0.1", 0) });
        options.DialAddresses.Add(new AddressMapping { From = new HostPort("broker-2.invalid", 29092), To = new HostPort(second.Host, second.Port) });
        await using var engine = new Core.Proxy.ProxyEngine(options);
        await engine.StartAsync();
        string bootstrap = engine.Listeners[0].Advertised.ToString();

        using var producer = Clients.Producer(bootstrap);
        var delivered = await producer.ProduceAsync("dialed", new Message<string, string> { Key = "k", Value = "v" }).WaitAsync(Clients.Patience);

        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        Assert.Contains(engine.Listeners, l => l.IsDynamic && l.Upstream == new HostPort("broker-2.invalid", 29092));
    }

    [Fact]
    public async Task DynamicListenersDisabled_UnmappedBroker_ResponseRefusedAndLoggedNotLeaked()
    {
        await using var proxied = await ProxiedCluster.StartAsync(configure: o => o.DynamicListeners.Enabled = false);
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var client = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.SendAsync(3, 1, false, b => b.WriteArrayLength(-1, compact: false)));

        Assert.True(error is IOException or EndOfStreamException, error.ToString());
        Assert.Contains(proxied.Logs.Lines, l => l.Contains("has no KafkaProxy:Brokers", StringComparison.Ordinal));
        Assert.Single(proxied.Engine.Listeners);
    }

    [Fact]
    public async Task DeterministicListeners_PortIsMinPortPlusBrokerId()
    {
        int minPort = FreePorts.FindRun(4); // brokers 1 to 3 at minPort + id, below the ephemeral range
        await using var proxied = await ProxiedCluster.StartAsync(configure: o =>
        {
            o.DynamicListeners.SequentialMinPort = minPort;
            o.DynamicListeners.Deterministic = true;
        });
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = proxied.Bootstrap }).Build();

        var metadata = admin.GetMetadata(Clients.Patience);

        Assert.Equal(minPort + 2, metadata.Brokers.Single(b => b.BrokerId == 2).Port);
        Assert.Equal(minPort + 3, metadata.Brokers.Single(b => b.BrokerId == 3).Port);
    }

    [Fact]
    public async Task DynamicListenerBindFails_OneLineNamesBrokerAndAddress_AndTheBootstrapListenerKeepsServing()
    {
        // The bind used to run inside the response rewrite: its failure surfaced as a connection that "failed unexpectedly".
        // A port below the ephemeral range: once this test frees it, no other socket of the suite is handed it before the
        // proxy binds it (CI failed once when an ephemeral port was taken again in that moment).
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        int port = FreePorts.FindRun(1);
        taken.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
        taken.Listen();
        await using var proxied = await ProxiedCluster.StartAsync(configure: o =>
        {
            o.DynamicListeners.SequentialMinPort = port - 2; // broker 2 gets the taken port
            o.DynamicListeners.Deterministic = true;
        });
        var broker2 = proxied.Cluster.Brokers[1];
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var bystander = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        await bystander.SendAsync(18, 0, false, _ => { });

        await using (var asking = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port))
        {
            var error = await Record.ExceptionAsync(() => asking.SendAsync(3, 1, false, b => b.WriteArrayLength(-1, compact: false)));
            Assert.True(error is IOException or EndOfStreamException, $"expected the connection to close, got {error?.ToString() ?? "an answer"}\n{proxied.Logs}");
        }

        string line = Assert.Single(proxied.Logs.Lines, l => l.StartsWith("Error 1016 ", StringComparison.Ordinal));
        Assert.Contains($"discovered broker {broker2.Host}:{broker2.Port} (node 2) on 127.0.0.1:{port}: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(proxied.Logs.Lines, l => l.Contains("failed unexpectedly", StringComparison.Ordinal));
        await bystander.SendAsync(18, 0, false, _ => { });

        // Once the port is free, the next response that names the broker starts its listener.
        taken.Dispose();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = proxied.Bootstrap }).Build();
        var metadata = admin.GetMetadata(Clients.Patience);
        Assert.Equal(port, metadata.Brokers.Single(b => b.BrokerId == 2).Port);
        await bystander.SendAsync(18, 0, false, _ => { });
    }

    [Fact]
    public async Task MaxConnections_OneOverTheLimit_IsRefusedOthersKeepWorking()
    {
        await using var proxied = await ProxiedCluster.StartAsync(configure: o => o.MaxConnections = 2);
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var first = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        await using var second = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        await first.SendAsync(18, 0, false, _ => { });
        await second.SendAsync(18, 0, false, _ => { });

        await using var third = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        var read = await third.Stream.ReadAsync(new byte[1]).AsTask().WaitAsync(Clients.Patience);

        Assert.Equal(0, read);
        Assert.Contains(proxied.Logs.Lines, l => l.Contains("the limit (MaxConnections) is 2", StringComparison.Ordinal));
        await first.SendAsync(18, 0, false, _ => { });
    }

    [Fact]
    public async Task MaxConnections_ConnectionsThatEndAtOnce_GiveTheirSlotBack()
    {
        // A refused dial on loopback ends a connection within microseconds of its accept: it used to end before the
        // engine registered it, so its entry stayed behind and took a slot of MaxConnections for good.
        const int limit = 2;
        const int connections = 500;
        var options = new KafkaProxyOptions { MaxConnections = limit };
        using var closed = new RefusingPort(); // for the whole test
        options.Brokers.Add(new BrokerMapping { Upstream = new HostPort("127.0.0.1", closed.Port), Listen = new HostPort("127.0.0.1", 0) });
        var logs = new CapturingLoggerProvider();
        await using var engine = new Core.Proxy.ProxyEngine(options, new Microsoft.Extensions.Logging.LoggerFactory([logs]));
        await engine.StartAsync();
        var listener = engine.Listeners[0].Advertised;

        for (int i = 0; i < connections; i++)
        {
            await using var client = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
            try
            {
                Assert.Equal(0, await client.Stream.ReadAsync(new byte[1]).AsTask().WaitAsync(Clients.Patience));
            }
            catch (IOException)
            {
                // A reset is a close too.
            }

            // The client sees the close just before the engine lets the connection go.
            await Eventually.TrueAsync(() => engine.OpenConnections == 0, () => $"after connection {i + 1}, {engine.OpenConnections} still counted as open");
        }

        Assert.DoesNotContain(logs.Lines, l => l.Contains("the limit (MaxConnections)", StringComparison.Ordinal));
        Assert.Equal(connections, logs.Lines.Count(l => l.Contains("could not reach broker", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task MaxInFlightRequests_ClientPipelinesFarMore_GetsEveryAnswerInOrderOnTheSameConnection()
    {
        await using var proxied = await ProxiedCluster.StartAsync(configure: o => o.MaxInFlightRequests = 2);
        var listener = proxied.Engine.Listeners[0].Advertised;
        using var socket = new TcpClient();
        await socket.ConnectAsync(listener.Host, listener.Port);
        var stream = socket.GetStream();
        const int count = 200;
        var burst = new ArrayBufferWriter<byte>();
        for (int i = 0; i < count; i++)
        {
            burst.WriteInt32(10);      // size
            burst.WriteInt16(18);      // ApiVersions
            burst.WriteInt16(0);       // v0
            burst.WriteInt32(i);       // correlation id
            burst.WriteInt16(-1);      // null client id
        }

        await stream.WriteAsync(burst.WrittenMemory);
        var correlationIds = new List<int>();
        var size = new byte[4];
        for (int i = 0; i < count; i++)
        {
            await stream.ReadExactlyAsync(size).AsTask().WaitAsync(Clients.Patience);
            var response = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
            await stream.ReadExactlyAsync(response).AsTask().WaitAsync(Clients.Patience);
            correlationIds.Add(BinaryPrimitives.ReadInt32BigEndian(response));
        }

        Assert.Equal(Enumerable.Range(0, count), correlationIds);
        Assert.DoesNotContain(proxied.Logs.Lines, l => l.Contains("closed:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MaxInFlightRequests_ProducerWithAMillionInFlight_DeliversEverything()
    {
        // librdkafka allows 1,000,000 requests in flight per connection; the proxy makes it wait instead of closing.
        await using var proxied = await ProxiedCluster.StartAsync(configure: o => o.MaxInFlightRequests = 4);
        proxied.Cluster.CreateTopic("inflight", partitions: 1);
        using var producer = Clients.Producer(proxied.Bootstrap, idempotent: false, tune: c =>
        {
            c.BatchNumMessages = 1;
            c.MaxInFlight = 1_000_000;
            c.LingerMs = 0;
        });

        Clients.ProduceNumbered(producer, "inflight", 500);

        using var consumer = Clients.Consumer(proxied.Bootstrap, "inflight-check");
        consumer.Subscribe("inflight");
        Assert.Equal(500, Clients.Consume(consumer, 500).Count);
        Assert.DoesNotContain(proxied.Logs.Lines, l => l.Contains("closed:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BrokerUnreachable_ClientConnectionClosedWithDialError()
    {
        await using var cluster = await Testing.KafkaTestCluster.StartAsync(brokers: 1);
        var options = new KafkaProxyOptions { DialTimeout = TimeSpan.FromSeconds(2) };
        options.Brokers.Add(new BrokerMapping { Upstream = new HostPort("127.0.0.1", cluster.Brokers[0].Port), Listen = new HostPort("127.0.0.1", 0) });
        var logs = new CapturingLoggerProvider();
        await using var engine = new Core.Proxy.ProxyEngine(options, new Microsoft.Extensions.Logging.LoggerFactory([logs]));
        await engine.StartAsync();
        cluster.SetBrokerDown(1);

        await using var client = await RawKafkaClient.ConnectAsync("127.0.0.1", engine.Listeners[0].Advertised.Port);
        var read = await client.Stream.ReadAsync(new byte[1]).AsTask().WaitAsync(Clients.Patience);

        Assert.Equal(0, read);
        Assert.Contains(logs.Lines, l => l.Contains("could not reach broker", StringComparison.Ordinal));
    }
}
