using CsCheck;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.FindCoordinator;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Messages;

public sealed class FindCoordinatorTests
{
    private static readonly MessageCodec<FindCoordinatorRequest> Request = new(ApiKey.FindCoordinator, FindCoordinatorRequest.Read, (m, w, v) => m.Write(w, v));
    private static readonly MessageCodec<FindCoordinatorResponse> Response = new(ApiKey.FindCoordinator, FindCoordinatorResponse.Read, (m, w, v) => m.Write(w, v));

    private static readonly Dictionary<short, byte[]> RequestVectors = new()
    {
        [0] = Hex.Bytes("""
            0007 67726f75702d31     // key "group-1"
            """),
        [1] = Hex.Bytes("""
            0004 74782d31           // key "tx-1"
            01                      // key_type 1, transaction (v1+)
            """),
        [3] = Hex.Bytes("""
            08 67726f75702d31       // key "group-1" (compact from v3)
            00                      // key_type 0, group
            00                      // tagged fields: none
            """),
        [4] = Hex.Bytes("""
            00                      // key_type 0 (no single key from v4)
            03                      // coordinator_keys: compact 2+1 (v4+)
            08 67726f75702d31       //   "group-1"
            08 67726f75702d32       //   "group-2"
            00                      // tagged fields: none
            """),
        [6] = Hex.Bytes("""
            02                      // key_type 2, share group (v6+)
            02                      // coordinator_keys: compact 1+1
            06 733a743a30           //   "s:t:0" (group:topic:partition)
            01 01 00                // tagged fields: 1, unknown tag 1 (empty)
            """),
    };

    private static readonly Dictionary<short, byte[]> ResponseVectors = new()
    {
        [0] = Hex.Bytes("""
            0000                    // error_code
            00000001                // node_id 1
            0002 6231               // host "b1"
            00002384                // port 9092
            """),
        [1] = Hex.Bytes("""
            00000000                // throttle_time_ms (v1+)
            000f                    // error_code 15 (COORDINATOR_NOT_AVAILABLE)
            0004 646f776e           // error_message "down" (v1+)
            ffffffff                // node_id -1
            0000                    // host ""
            ffffffff                // port -1
            """),
        [3] = Hex.Bytes("""
            00000005                // throttle_time_ms 5
            0000                    // error_code
            00                      // error_message: null (compact from v3)
            00000002                // node_id 2
            03 6232                 // host "b2"
            00002385                // port 9093
            00                      // tagged fields: none
            """),
        [4] = Hex.Bytes("""
            00000000                // throttle_time_ms
            03                      // coordinators: compact 2+1 (v4+)
            08 67726f75702d31       //   key "group-1"
            00000001 03 6231 00002384 // node_id 1, host "b1", port 9092
            0000 00 00              //   error_code, error_message null, no tags
            08 67726f75702d32       //   key "group-2"
            ffffffff 01 ffffffff    //   node_id -1, host "", port -1
            000f 05 646f776e 00     //   error_code 15, error_message "down", no tags
            00                      // tagged fields: none
            """),
        [6] = Hex.Bytes("""
            00000000                // throttle_time_ms
            02                      // coordinators: compact 1+1
            06 733a743a30           //   key "s:t:0"
            00000003 03 6233 00002386 // node_id 3, host "b3", port 9094
            0000 00                 //   error_code, error_message null
            01 02 01 aa             //   tagged fields: 1, unknown tag 2 (1 byte)
            00                      // tagged fields: none
            """),
    };

    public static TheoryData<short> RequestVersions() => [.. RequestVectors.Keys];

    public static TheoryData<short> ResponseVersions() => [.. ResponseVectors.Keys];

    [Theory]
    [MemberData(nameof(RequestVersions))]
    public void ReadRequest_BoundaryVersion_ReadsEveryFieldAndReencodesIdentically(short v)
    {
        var request = Request.AssertRoundTrip(RequestVectors[v], v);

        Assert.Equal(v switch { 0 or 3 => "group-1", 1 => "tx-1", _ => string.Empty }, request.Key);
        Assert.Equal(v switch { 1 => 1, 6 => 2, _ => 0 }, request.KeyType);
        Assert.Equal(v switch { 4 => ["group-1", "group-2"], 6 => ["s:t:0"], _ => Array.Empty<string>() }, request.CoordinatorKeys);
        Assert.Equal(v == 6 ? [1u] : [], request.UnknownTaggedFields.Select(t => t.Tag));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void ReadResponse_SingleCoordinatorVersion_ReadsEveryFieldAndReencodesIdentically(short v)
    {
        var response = Response.AssertRoundTrip(ResponseVectors[v], v);

        Assert.Equal(v == 3 ? 5 : 0, response.ThrottleTimeMs);
        Assert.Equal(v == 1 ? 15 : 0, response.ErrorCode);
        Assert.Equal(v == 1 ? "down" : null, response.ErrorMessage);
        Assert.Equal(
            v switch { 0 => (1, "b1", 9092), 1 => (-1, string.Empty, -1), _ => (2, "b2", 9093) },
            (response.NodeId, response.Host, response.Port));
        Assert.Empty(response.Coordinators);
    }

    [Fact]
    public void ReadResponse_V4_ReadsEveryCoordinator()
    {
        var response = Response.AssertRoundTrip(ResponseVectors[4], 4);

        Assert.Collection(
            response.Coordinators,
            c => Assert.Equal(("group-1", 1, "b1", 9092, (short)0, (string?)null), (c.Key, c.NodeId, c.Host, c.Port, c.ErrorCode, c.ErrorMessage)),
            c => Assert.Equal(("group-2", -1, string.Empty, -1, (short)15, "down"), (c.Key, c.NodeId, c.Host, c.Port, c.ErrorCode, c.ErrorMessage)));
        Assert.Equal(string.Empty, response.Host);
    }

    [Fact]
    public void ReadResponse_V6_ReadsShareCoordinatorAndKeepsItsUnknownTag()
    {
        var response = Response.AssertRoundTrip(ResponseVectors[6], 6);

        var coordinator = Assert.Single(response.Coordinators);
        Assert.Equal(("s:t:0", 3, "b3", 9094), (coordinator.Key, coordinator.NodeId, coordinator.Host, coordinator.Port));
        var tag = Assert.Single(coordinator.UnknownTaggedFields);
        Assert.Equal(2u, tag.Tag);
        Assert.Equal([0xaa], tag.Data.ToArray());
    }

    [Theory]
    [MemberData(nameof(RequestVersions))]
    public void ReadRequest_SplitIntoSegments_GivesTheSameMessage(short v) => Request.AssertSplitsDecodeTheSame(RequestVectors[v], v);

    [Theory]
    [MemberData(nameof(ResponseVersions))]
    public void ReadResponse_SplitIntoSegments_GivesTheSameMessage(short v) => Response.AssertSplitsDecodeTheSame(ResponseVectors[v], v);

    [Theory]
    [MemberData(nameof(RequestVersions))]
    public void ReadRequest_TruncatedAnywhere_ThrowsProtocolException(short v) => Request.AssertEveryTruncationThrows(RequestVectors[v], v);

    [Theory]
    [MemberData(nameof(ResponseVersions))]
    public void ReadResponse_TruncatedAnywhere_ThrowsProtocolException(short v) => Response.AssertEveryTruncationThrows(ResponseVectors[v], v);

    [Fact]
    public void ReadRequest_NullKey_ThrowsProtocolException()
    {
        Assert.Throws<KafkaProxy.Protocol.Primitives.KafkaProtocolException>(() => Request.Decode(Hex.Bytes("ffff"), 0));
    }

    [Fact]
    public void RoundTrip_RandomRequests_GivesIdenticalBytes()
    {
        var models = Gen.Short[FindCoordinatorRequest.LowestSupportedVersion, FindCoordinatorRequest.HighestSupportedVersion].SelectMany(v =>
            Gen.Select(MessageGen.String, Gen.SByte, MessageGen.String.List[0, 4], MessageGen.TagsIf(v >= 3))
                .Select((key, type, keys, tags) => (v, new FindCoordinatorRequest { Key = key, KeyType = type, CoordinatorKeys = keys, UnknownTaggedFields = tags })));

        Request.AssertRandomRoundTrips(models);
    }

    [Fact]
    public void RoundTrip_RandomResponses_GivesIdenticalBytes()
    {
        var coordinator = Gen.Select(MessageGen.String, Gen.Int, MessageGen.String, Gen.Int, Gen.Short, MessageGen.NullableString, MessageGen.Tags())
            .Select((key, node, host, port, error, message, tags) => new FindCoordinatorResponseCoordinator
            {
                Key = key,
                NodeId = node,
                Host = host,
                Port = port,
                ErrorCode = error,
                ErrorMessage = message,
                UnknownTaggedFields = tags,
            });
        var models = Gen.Short[FindCoordinatorResponse.LowestSupportedVersion, FindCoordinatorResponse.HighestSupportedVersion].SelectMany(v =>
            Gen.Select(Gen.Int, Gen.Short, MessageGen.NullableString, Gen.Int, MessageGen.String, Gen.Int, coordinator.List[0, 4], MessageGen.TagsIf(v >= 3))
                .Select((throttle, error, message, node, host, port, coordinators, tags) => (v, new FindCoordinatorResponse
                {
                    ThrottleTimeMs = throttle,
                    ErrorCode = error,
                    ErrorMessage = message,
                    NodeId = node,
                    Host = host,
                    Port = port,
                    Coordinators = coordinators,
                    UnknownTaggedFields = tags,
                })));

        Response.AssertRandomRoundTrips(models);
    }
}
