using System.Buffers;
using System.Net;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Filters;
using KafkaProxy.Protocol.Messages.DescribeCluster;
using KafkaProxy.Protocol.Messages.FindCoordinator;
using KafkaProxy.Protocol.Messages.Metadata;

namespace KafkaProxy.Core.Tests.Filters;

/// <summary>The decoded tier on the response side: views read from response bodies (the real-client path is in the integration tests).</summary>
public sealed class DecodedResponseTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void ReadFindCoordinator_BeforeV4_OneCoordinatorWithoutKey(short version)
    {
        var body = new FindCoordinatorResponse { NodeId = 2, Host = "proxy", Port = 19092, ErrorCode = 0, ErrorMessage = version >= 1 ? "ok" : null };
        var response = Response(10, version, Encode(w => body.Write(w, version)));

        var coordinator = Assert.Single(response.ReadFindCoordinator().Coordinators);

        Assert.Equal((null, 2, "proxy", 19092, (short)0), (coordinator.Key, coordinator.NodeId, coordinator.Host, coordinator.Port, coordinator.ErrorCode));
    }

    [Fact]
    public void ReadFindCoordinator_V4_OneCoordinatorPerKey()
    {
        var body = new FindCoordinatorResponse
        {
            Coordinators =
            [
                new FindCoordinatorResponseCoordinator { Key = "group-a", NodeId = 1, Host = "proxy", Port = 19091 },
                new FindCoordinatorResponseCoordinator { Key = "group-b", NodeId = -1, Host = string.Empty, Port = -1, ErrorCode = 15, ErrorMessage = "not available" },
            ],
        };
        var response = Response(10, 4, Encode(w => body.Write(w, 4)));

        var coordinators = response.ReadFindCoordinator().Coordinators;

        Assert.Equal(["group-a", "group-b"], coordinators.Select(c => c.Key));
        Assert.Equal(((short)15, "not available"), (coordinators[1].ErrorCode, coordinators[1].ErrorMessage));
    }

    [Fact]
    public void ReadDescribeCluster_BrokersClusterAndController()
    {
        var body = new DescribeClusterResponse
        {
            ClusterId = "cluster-a",
            ControllerId = 1,
            Brokers = [new DescribeClusterResponseBroker { BrokerId = 1, Host = "proxy", Port = 19091, Rack = "rack-a" }],
        };
        var response = Response(60, 1, Encode(w => body.Write(w, 1)));

        var view = response.ReadDescribeCluster();

        Assert.Equal(("cluster-a", 1, (short)0), (view.ClusterId, view.ControllerId, view.ErrorCode));
        var broker = Assert.Single(view.Brokers);
        Assert.Equal((1, "proxy", 19091, "rack-a"), (broker.NodeId, broker.Host, broker.Port, broker.Rack));
    }

    [Fact]
    public void ReadMetadata_AfterReplace_ReadsTheNewBody()
    {
        var first = new MetadataResponse { Topics = [new MetadataResponseTopic { Name = "orders" }] };
        var second = new MetadataResponse { Topics = [new MetadataResponseTopic { Name = "audit", Partitions = [new MetadataResponsePartition { PartitionIndex = 3, LeaderId = 2, ReplicaNodes = [2, 3], IsrNodes = [2] }] }] };
        var response = Response(3, 12, Encode(w => first.Write(w, 12)));
        Assert.Same(response.ReadMetadata(), response.ReadMetadata()); // read once, shared

        response.Replace(Encode(w => second.Write(w, 12)));
        var topic = Assert.Single(response.ReadMetadata().Topics);

        Assert.Equal("audit", topic.Name);
        var partition = Assert.Single(topic.Partitions);
        Assert.Equal((3, 2), (partition.Index, partition.LeaderId));
        Assert.Equal([2, 3], partition.ReplicaNodes);
        Assert.Equal([2], partition.IsrNodes);
    }

    [Fact]
    public void ReadFetch_OnAMetadataResponse_ThrowsNamingBothKeys()
    {
        var response = Response(3, 12, Encode(w => new MetadataResponse().Write(w, 12)));

        var ex = Assert.Throws<InvalidOperationException>(() => response.ReadFetch());

        Assert.Contains("ReadFetch reads a Fetch response (api key 1), but this response answers api key 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadMetadata_VersionTheProxyDoesNotDecode_NotSupportedNamingTheRange()
    {
        var response = Response(3, 14, [0, 0, 0, 0]);

        var ex = Assert.Throws<NotSupportedException>(() => response.ReadMetadata());

        Assert.Contains("Metadata (api key 3) v14 is outside the versions the proxy decodes (0-13)", ex.Message, StringComparison.Ordinal);
    }

    private static KafkaResponse Response(short apiKey, short version, byte[] body) =>
        new(apiKey, version, 7, new ReadOnlySequence<byte>([0, 0, 0, 7]), new ReadOnlySequence<byte>(body), answeredByProxy: false, new KafkaConnectionInfo(1, new IPEndPoint(IPAddress.Loopback, 1234), HostPort.Parse("broker:9092"), null));

    private static byte[] Encode(Action<IBufferWriter<byte>> write)
    {
        var writer = new ArrayBufferWriter<byte>();
        write(writer);
        return writer.WrittenSpan.ToArray();
    }
}
