using System.Buffers.Binary;
using System.Net.Sockets;
using Confluent.Kafka;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Testing;
using KafkaProxy.Testing.Chaos;

namespace KafkaProxy.IntegrationTests.Chaos;

/// <summary>A 3-broker test cluster with a chaos proxy in front, and the raw-socket probes the toxic tests use.</summary>
internal sealed class ChaosRig : IAsyncDisposable
{
    private ChaosRig(KafkaTestCluster cluster, KafkaChaosProxy chaos)
    {
        Cluster = cluster;
        Chaos = chaos;
    }

    public KafkaTestCluster Cluster { get; }

    public KafkaChaosProxy Chaos { get; }

    public KafkaChaosListener this[string name] => Chaos.Proxies[name];

    public static async Task<ChaosRig> StartAsync(bool serveApi = false)
    {
        var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        try
        {
            return new ChaosRig(cluster, await KafkaChaosProxy.StartAsync(cluster.BootstrapServers, serveApi));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A raw TCP connection to a broker's listener.</summary>
    public async Task<TcpClient> ConnectAsync(string proxy)
    {
        var listen = HostPort.Parse(Chaos.Proxies[proxy].Listen);
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(listen.Host, listen.Port);
        return client;
    }

    /// <summary>An ApiVersions v0 request frame (no body: every broker answers it).</summary>
    public static byte[] ApiVersionsRequest(int correlation)
    {
        const string clientId = "chaos-test";
        var frame = new byte[4 + 2 + 2 + 4 + 2 + clientId.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, frame.Length - 4);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(4), 18);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(6), 0);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(8), correlation);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(12), (short)clientId.Length);
        System.Text.Encoding.ASCII.GetBytes(clientId, frame.AsSpan(14));
        return frame;
    }

    /// <summary>Reads one whole response frame (size prefix included).</summary>
    public static async Task<byte[]> ReadFrameAsync(Stream stream)
    {
        var prefix = new byte[4];
        await stream.ReadExactlyAsync(prefix).AsTask().WaitAsync(Clients.Patience);
        var frame = new byte[4 + BinaryPrimitives.ReadInt32BigEndian(prefix)];
        prefix.CopyTo(frame, 0);
        await stream.ReadExactlyAsync(frame.AsMemory(4)).AsTask().WaitAsync(Clients.Patience);
        return frame;
    }

    /// <summary>Reads until the peer closes; returns what came and how the stream ended (null: a clean close).</summary>
    public static async Task<(int Bytes, int Reads, SocketError? Error)> ReadToEndAsync(Stream stream)
    {
        var buffer = new byte[64 * 1024];
        int total = 0;
        int reads = 0;
        try
        {
            while (true)
            {
                int read = await stream.ReadAsync(buffer).AsTask().WaitAsync(Clients.Patience);
                if (read == 0)
                {
                    return (total, reads, null);
                }

                total += read;
                reads++;
            }
        }
        catch (IOException ex) when (ex.InnerException is SocketException socket)
        {
            return (total, reads, socket.SocketErrorCode);
        }
    }

    /// <summary>A round trip of ApiVersions on a new connection to <paramref name="proxy"/>: the response and the time it took.</summary>
    public async Task<(byte[] Response, TimeSpan Elapsed)> RoundTripAsync(string proxy)
    {
        using var client = await ConnectAsync(proxy);
        var stream = client.GetStream();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await stream.WriteAsync(ApiVersionsRequest(7));
        var response = await ReadFrameAsync(stream);
        return (response, clock.Elapsed);
    }

    /// <summary>Creates a one-partition topic whose leader is broker <paramref name="leader"/>.</summary>
    public string TopicLedBy(string topic, int leader)
    {
        Cluster.CreateTopic(topic, partitions: 1);
        Cluster.SetPartitionLeader(topic, 0, leader);
        return topic;
    }

    /// <summary>Produces through the chaos proxy to <paramref name="topic"/> and reads the message back through it: clients work.</summary>
    public async Task AssertClientsWorkAsync(string topic)
    {
        using var producer = Clients.Producer(Chaos.BootstrapServers);
        var delivered = await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "works" }).WaitAsync(Clients.Patience);
        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        using var consumer = Clients.Consumer(Chaos.BootstrapServers, "check-" + Guid.NewGuid().ToString("N"));
        consumer.Assign(new TopicPartitionOffset(topic, 0, delivered.Offset));
        var read = Clients.Consume(consumer, 1);
        Assert.Equal("works", read[0].Message.Value);
    }

    public async ValueTask DisposeAsync()
    {
        await Chaos.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
