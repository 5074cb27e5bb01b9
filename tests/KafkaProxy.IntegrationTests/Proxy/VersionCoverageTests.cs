using System.Buffers;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.IntegrationTests.Proxy;

/// <summary>Every Metadata and FindCoordinator version the test cluster speaks, through the proxy, pinned one at a time.</summary>
public sealed class VersionCoverageTests
{
    public static TheoryData<short> MetadataVersions => new(Enumerable.Range(0, 13).Select(v => (short)v));

    [Theory]
    [MemberData(nameof(MetadataVersions))]
    public async Task Metadata_EachVersionPinnedAtTheCluster_ResponseCarriesOnlyProxyAddresses(short version)
    {
        await using var proxied = await ProxiedCluster.StartAsync();
        proxied.Cluster.SetApiVersionRange(3, version, version);
        var listener = proxied.Engine.Listeners.First(l => !l.IsDynamic).Advertised;
        await using var client = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        bool flexible = version >= 9;

        byte[] response = await client.SendAsync(3, version, flexible, body =>
        {
            if (version == 0) { body.WriteArrayLength(0, compact: false); } else { body.WriteArrayLength(-1, flexible); } // all topics
            if (version >= 4) { body.WriteBool(false); }                           // allow_auto_topic_creation
            if (version is >= 8 and <= 10) { body.WriteBool(false); }              // include_cluster_authorized_operations
            if (version >= 8) { body.WriteBool(false); }                           // include_topic_authorized_operations
            if (flexible) { body.WriteUnsignedVarInt(0); }
        });

        var brokers = ReadMetadataBrokers(response, version);
        Assert.Equal(3, brokers.Count);
        Assert.All(brokers, b => Assert.Equal("127.0.0.1", b.Host));
        Assert.All(brokers, b => Assert.Contains(b.Port, proxied.ProxyPorts));
    }

    public static TheoryData<short> FindCoordinatorVersions => new(Enumerable.Range(0, 4).Select(v => (short)v));

    [Theory]
    [MemberData(nameof(FindCoordinatorVersions))]
    public async Task FindCoordinator_EachVersionTheClusterSpeaks_ReturnsAProxyAddress(short version)
    {
        await using var proxied = await ProxiedCluster.StartAsync();
        var listener = proxied.Engine.Listeners.First(l => !l.IsDynamic).Advertised;
        await using var client = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        bool flexible = version >= 3;

        byte[] response = await client.SendAsync(10, version, flexible, body =>
        {
            body.WriteString("some-group", flexible);                              // key
            if (version >= 1) { body.WriteInt8(0); }                               // key_type: group
            if (flexible) { body.WriteUnsignedVarInt(0); }
        });

        var reader = new KafkaReader(new ReadOnlySequence<byte>(response));
        if (flexible) { reader.SkipTaggedFields(); }                               // response header v1
        if (version >= 1) { reader.ReadInt32(); }                                  // throttle_time_ms
        Assert.Equal(0, reader.ReadInt16());                                       // error_code
        if (version >= 1) { reader.SkipString(flexible); }                         // error_message
        reader.ReadInt32();                                                        // node_id
        Assert.Equal("127.0.0.1", reader.ReadString(flexible));
        Assert.Contains(reader.ReadInt32(), proxied.ProxyPorts);
    }

    private static List<(int Node, string Host, int Port)> ReadMetadataBrokers(byte[] response, short version)
    {
        bool flexible = version >= 9;
        var reader = new KafkaReader(new ReadOnlySequence<byte>(response));
        if (flexible) { reader.SkipTaggedFields(); }
        if (version >= 3) { reader.ReadInt32(); }
        int count = reader.ReadArrayLength(flexible);
        var brokers = new List<(int, string, int)>();
        for (int i = 0; i < count; i++)
        {
            int node = reader.ReadInt32();
            string host = reader.ReadString(flexible)!;
            int port = reader.ReadInt32();
            if (version >= 1) { reader.SkipString(flexible); }
            if (flexible) { reader.SkipTaggedFields(); }
            brokers.Add((node, host, port));
        }

        return brokers;
    }
}
