using CsCheck;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.DescribeCluster;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Messages;

public sealed class DescribeClusterTests
{
    private static readonly MessageCodec<DescribeClusterRequest> Request = new(ApiKey.DescribeCluster, DescribeClusterRequest.Read, (m, w, v) => m.Write(w, v));
    private static readonly MessageCodec<DescribeClusterResponse> Response = new(ApiKey.DescribeCluster, DescribeClusterResponse.Read, (m, w, v) => m.Write(w, v));

    // Flexible in every version, so strings and arrays are compact throughout.
    private static readonly Dictionary<short, byte[]> RequestVectors = new()
    {
        [0] = Hex.Bytes("""
            01                      // include_cluster_authorized_operations
            00                      // tagged fields: none
            """),
        [1] = Hex.Bytes("""
            00                      // include_cluster_authorized_operations
            02                      // endpoint_type 2, controllers (v1+)
            00                      // tagged fields: none
            """),
        [2] = Hex.Bytes("""
            00                      // include_cluster_authorized_operations
            01                      // endpoint_type 1, brokers
            01                      // include_fenced_brokers (v2+)
            01 03 02 abcd           // tagged fields: 1, unknown tag 3 (2 bytes)
            """),
    };

    private static readonly Dictionary<short, byte[]> ResponseVectors = new()
    {
        [0] = Hex.Bytes("""
            00000000                // throttle_time_ms
            0000                    // error_code
            00                      // error_message: null
            0a 636c75737465722d78   // cluster_id "cluster-x"
            00000001                // controller_id 1
            03                      // brokers: compact 2+1
            00000001 03 6231 00002384 // broker_id 1, host "b1", port 9092
            03 7231 00              //   rack "r1", no tags
            00000002 03 6232 00002385 // broker_id 2, host "b2", port 9093
            00 00                   //   rack null, no tags
            80000000                // cluster_authorized_operations int.MinValue
            00                      // tagged fields: none
            """),
        [1] = Hex.Bytes("""
            00000064                // throttle_time_ms 100
            0000                    // error_code
            00                      // error_message: null
            02                      // endpoint_type 2, controllers (v1+)
            0a 636c75737465722d78   // cluster_id "cluster-x"
            00000bb8                // controller_id 3000
            02                      // brokers: compact 1+1
            00000bb8 03 6331 0000238d // broker_id 3000, host "c1", port 9101
            00 00                   //   rack null, no tags
            00000df8                // cluster_authorized_operations 3576
            00                      // tagged fields: none
            """),
        [2] = Hex.Bytes("""
            00000000                // throttle_time_ms
            0000                    // error_code
            00                      // error_message: null
            01                      // endpoint_type 1, brokers
            0a 636c75737465722d78   // cluster_id "cluster-x"
            00000001                // controller_id 1
            03                      // brokers: compact 2+1
            00000001 03 6231 00002384 03 7231 // broker_id 1, host "b1", port 9092, rack "r1"
            00 00                   //   is_fenced false (v2+), no tags
            00000002 03 6232 00002385 00 // broker_id 2, host "b2", port 9093, rack null
            01                      //   is_fenced true
            01 04 01 ff             //   tagged fields: 1, unknown tag 4 (1 byte)
            80000000                // cluster_authorized_operations int.MinValue
            00                      // tagged fields: none
            """),
    };

    public static TheoryData<short> Versions() => [0, 1, 2];

    [Theory]
    [MemberData(nameof(Versions))]
    public void ReadRequest_EveryVersion_ReadsEveryFieldAndReencodesIdentically(short v)
    {
        var request = Request.AssertRoundTrip(RequestVectors[v], v);

        Assert.Equal(v == 0, request.IncludeClusterAuthorizedOperations);
        Assert.Equal(v == 1 ? 2 : 1, request.EndpointType);
        Assert.Equal(v == 2, request.IncludeFencedBrokers);
        Assert.Equal(v == 2 ? [3u] : [], request.UnknownTaggedFields.Select(t => t.Tag));
    }

    [Fact]
    public void ReadResponse_V0_ReadsBrokers()
    {
        var response = Response.AssertRoundTrip(ResponseVectors[0], 0);

        Assert.Equal((0, (short)0, (string?)null, (sbyte)1), (response.ThrottleTimeMs, response.ErrorCode, response.ErrorMessage, response.EndpointType));
        Assert.Equal(("cluster-x", 1, int.MinValue), (response.ClusterId, response.ControllerId, response.ClusterAuthorizedOperations));
        Assert.Collection(
            response.Brokers,
            b => Assert.Equal((1, "b1", 9092, (string?)"r1", false), (b.BrokerId, b.Host, b.Port, b.Rack, b.IsFenced)),
            b => Assert.Equal((2, "b2", 9093, (string?)null, false), (b.BrokerId, b.Host, b.Port, b.Rack, b.IsFenced)));
    }

    [Fact]
    public void ReadResponse_V1_ReadsControllerEndpoints()
    {
        var response = Response.AssertRoundTrip(ResponseVectors[1], 1);

        Assert.Equal((100, (sbyte)2, 3000, 3576), (response.ThrottleTimeMs, response.EndpointType, response.ControllerId, response.ClusterAuthorizedOperations));
        var controller = Assert.Single(response.Brokers);
        Assert.Equal((3000, "c1", 9101, (string?)null), (controller.BrokerId, controller.Host, controller.Port, controller.Rack));
    }

    [Fact]
    public void ReadResponse_V2_ReadsFencedFlagAndKeepsUnknownTag()
    {
        var response = Response.AssertRoundTrip(ResponseVectors[2], 2);

        Assert.Equal([false, true], response.Brokers.Select(b => b.IsFenced));
        var tag = Assert.Single(response.Brokers[1].UnknownTaggedFields);
        Assert.Equal(4u, tag.Tag);
        Assert.Equal([0xff], tag.Data.ToArray());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Read_SplitIntoSegments_GivesTheSameMessage(short v)
    {
        Request.AssertSplitsDecodeTheSame(RequestVectors[v], v);
        Response.AssertSplitsDecodeTheSame(ResponseVectors[v], v);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Read_TruncatedAnywhere_ThrowsProtocolException(short v)
    {
        Request.AssertEveryTruncationThrows(RequestVectors[v], v);
        Response.AssertEveryTruncationThrows(ResponseVectors[v], v);
    }

    [Fact]
    public void RoundTrip_RandomRequests_GivesIdenticalBytes()
    {
        var models = Gen.Short[DescribeClusterRequest.LowestSupportedVersion, DescribeClusterRequest.HighestSupportedVersion].SelectMany(v =>
            Gen.Select(Gen.Bool, Gen.SByte, Gen.Bool, MessageGen.Tags())
                .Select((ops, type, fenced, tags) => (v, new DescribeClusterRequest
                {
                    IncludeClusterAuthorizedOperations = ops,
                    EndpointType = type,
                    IncludeFencedBrokers = fenced,
                    UnknownTaggedFields = tags,
                })));

        Request.AssertRandomRoundTrips(models);
    }

    [Fact]
    public void RoundTrip_RandomResponses_GivesIdenticalBytes()
    {
        var broker = Gen.Select(Gen.Int, MessageGen.String, Gen.Int, MessageGen.NullableString, Gen.Bool, MessageGen.Tags())
            .Select((id, host, port, rack, fenced, tags) => new DescribeClusterResponseBroker
            {
                BrokerId = id,
                Host = host,
                Port = port,
                Rack = rack,
                IsFenced = fenced,
                UnknownTaggedFields = tags,
            });
        var models = Gen.Short[DescribeClusterResponse.LowestSupportedVersion, DescribeClusterResponse.HighestSupportedVersion].SelectMany(v =>
            Gen.Select(Gen.Int, Gen.Select(Gen.Short, MessageGen.NullableString), Gen.SByte, MessageGen.String, Gen.Int, broker.List[0, 4], Gen.Int, MessageGen.Tags())
                .Select((throttle, error, type, cluster, controller, brokers, ops, tags) => (v, new DescribeClusterResponse
                {
                    ThrottleTimeMs = throttle,
                    ErrorCode = error.Item1,
                    ErrorMessage = error.Item2,
                    EndpointType = type,
                    ClusterId = cluster,
                    ControllerId = controller,
                    Brokers = brokers,
                    ClusterAuthorizedOperations = ops,
                    UnknownTaggedFields = tags,
                })));

        Response.AssertRandomRoundTrips(models);
    }
}
