using CsCheck;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.Metadata;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Messages;

public sealed class MetadataTests
{
    private static readonly MessageCodec<MetadataRequest> Request = new(ApiKey.Metadata, MetadataRequest.Read, (m, w, v) => m.Write(w, v));
    private static readonly MessageCodec<MetadataResponse> Response = new(ApiKey.Metadata, MetadataResponse.Read, (m, w, v) => m.Write(w, v));

    private static readonly Guid TopicId = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");

    // One vector for the first version and for each version that changes the layout.
    private static readonly Dictionary<short, byte[]> RequestVectors = new()
    {
        [0] = Hex.Bytes("""
            00000001                // topics: 1 (an empty array would mean all topics in v0)
            0001 74                 //   name "t"
            """),
        [1] = Hex.Bytes("""
            ffffffff                // topics: null, all topics (v1+)
            """),
        [4] = Hex.Bytes("""
            00000001                // topics: 1
            0001 74                 //   name "t"
            00                      // allow_auto_topic_creation false (v4+)
            """),
        [8] = Hex.Bytes("""
            00000000                // topics: none
            01                      // allow_auto_topic_creation
            01                      // include_cluster_authorized_operations (v8-10)
            00                      // include_topic_authorized_operations (v8+)
            """),
        [9] = Hex.Bytes("""
            02                      // topics: compact 1+1 (flexible from v9)
            02 74                   //   name "t"
            00                      //   tagged fields: none
            01                      // allow_auto_topic_creation
            00                      // include_cluster_authorized_operations
            01                      // include_topic_authorized_operations
            00                      // tagged fields: none
            """),
        [10] = Hex.Bytes("""
            02                      // topics: compact 1+1
            00112233445566778899aabbccddeeff // topic_id (v10+, before the name)
            00                      //   name: null (nullable v10+)
            00                      //   tagged fields: none
            01                      // allow_auto_topic_creation
            01                      // include_cluster_authorized_operations (last version with it)
            01                      // include_topic_authorized_operations
            00                      // tagged fields: none
            """),
        [11] = Hex.Bytes("""
            00                      // topics: compact null, all topics
            01                      // allow_auto_topic_creation
            01                      // include_topic_authorized_operations (no cluster flag from v11)
            00                      // tagged fields: none
            """),
        [13] = Hex.Bytes("""
            02                      // topics: compact 1+1
            00112233445566778899aabbccddeeff // topic_id
            02 74                   //   name "t"
            01 03 01 ff             //   tagged fields: 1, unknown tag 3 (1 byte)
            00                      // allow_auto_topic_creation false
            01                      // include_topic_authorized_operations
            01 8101 02 beef         // tagged fields: 1, unknown tag 129 (two-byte varint), 2 bytes
            """),
    };

    private static readonly Dictionary<short, byte[]> ResponseVectors = new()
    {
        [0] = Hex.Bytes("""
            00000001                // brokers: 1
            00000001                //   node_id 1
            0002 6231               //   host "b1"
            00002384                //   port 9092
            00000001                // topics: 1
            0000                    //   error_code
            0001 74                 //   name "t"
            00000001                //   partitions: 1
            0000                    //     error_code
            00000000                //     partition_index 0
            00000001                //     leader_id 1
            00000002 00000001 00000002 // replica_nodes [1, 2]
            00000001 00000001       //     isr_nodes [1]
            """),
        [1] = Hex.Bytes("""
            00000001                // brokers: 1
            00000001 0002 6231 00002384 // node_id 1, host "b1", port 9092
            ffff                    //   rack: null (v1+)
            00000001                // controller_id 1 (v1+)
            00000001                // topics: 1
            0000 0001 74            //   error_code, name "t"
            01                      //   is_internal (v1+)
            00000001                //   partitions: 1
            0000 00000000 00000001  //     error_code, partition_index 0, leader_id 1
            00000002 00000001 00000002 // replica_nodes [1, 2]
            00000001 00000001       //     isr_nodes [1]
            """),
        [2] = Hex.Bytes("""
            00000001                // brokers: 1
            00000001 0002 6231 00002384 // node_id 1, host "b1", port 9092
            0002 7231               //   rack "r1"
            0001 63                 // cluster_id "c" (v2+)
            00000001                // controller_id 1
            00000001                // topics: 1
            0000 0001 74 01         //   error_code, name "t", is_internal
            00000001                //   partitions: 1
            0000 00000000 00000001  //     error_code, partition_index 0, leader_id 1
            00000002 00000001 00000002 // replica_nodes [1, 2]
            00000001 00000001       //     isr_nodes [1]
            """),
        [3] = Hex.Bytes("""
            0000000a                // throttle_time_ms 10 (v3+)
            00000001                // brokers: 1
            00000001 0002 6231 00002384 0002 7231 // node_id, host, port, rack
            0001 63                 // cluster_id "c"
            00000001                // controller_id 1
            00000001                // topics: 1
            0000 0001 74 01         //   error_code, name "t", is_internal
            00000001                //   partitions: 1
            0000 00000000 00000001  //     error_code, partition_index 0, leader_id 1
            00000002 00000001 00000002 // replica_nodes [1, 2]
            00000001 00000001       //     isr_nodes [1]
            """),
        [5] = Hex.Bytes("""
            0000000a                // throttle_time_ms 10
            00000001                // brokers: 1
            00000001 0002 6231 00002384 0002 7231 // node_id, host, port, rack
            0001 63 00000001        // cluster_id "c", controller_id 1
            00000001                // topics: 1
            0000 0001 74 01         //   error_code, name "t", is_internal
            00000001                //   partitions: 1
            0000 00000000 00000001  //     error_code, partition_index 0, leader_id 1
            00000002 00000001 00000002 // replica_nodes [1, 2]
            00000001 00000001       //     isr_nodes [1]
            00000001 00000002       //     offline_replicas [2] (v5+)
            """),
        [7] = Hex.Bytes("""
            0000000a                // throttle_time_ms 10
            00000001                // brokers: 1
            00000001 0002 6231 00002384 0002 7231 // node_id, host, port, rack
            0001 63 00000001        // cluster_id "c", controller_id 1
            00000001                // topics: 1
            0000 0001 74 01         //   error_code, name "t", is_internal
            00000001                //   partitions: 1
            0000 00000000 00000001  //     error_code, partition_index 0, leader_id 1
            00000005                //     leader_epoch 5 (v7+)
            00000002 00000001 00000002 // replica_nodes [1, 2]
            00000001 00000001       //     isr_nodes [1]
            00000001 00000002       //     offline_replicas [2]
            """),
        [8] = Hex.Bytes("""
            0000000a                // throttle_time_ms 10
            00000001                // brokers: 1
            00000001 0002 6231 00002384 0002 7231 // node_id, host, port, rack
            0001 63 00000001        // cluster_id "c", controller_id 1
            00000001                // topics: 1
            0000 0001 74 01         //   error_code, name "t", is_internal
            00000001                //   partitions: 1
            0000 00000000 00000001 00000005 // error_code, partition_index, leader_id, leader_epoch
            00000002 00000001 00000002 // replica_nodes [1, 2]
            00000001 00000001       //     isr_nodes [1]
            00000001 00000002       //     offline_replicas [2]
            000000f8                //   topic_authorized_operations 248 (v8+)
            80000000                // cluster_authorized_operations int.MinValue (v8-10)
            """),
        [9] = Hex.Bytes("""
            0000000a                // throttle_time_ms 10
            02                      // brokers: compact 1+1 (flexible from v9)
            00000001 03 6231 00002384 03 7231 // node_id, host "b1", port, rack "r1"
            01 00 01 2a             //   tagged fields: 1, unknown tag 0 (1 byte)
            02 63                   // cluster_id "c"
            00000001                // controller_id 1
            02                      // topics: compact 1+1
            0000 02 74 01           //   error_code, name "t", is_internal
            02                      //   partitions: compact 1+1
            0000 00000000 00000001 00000005 // error_code, partition_index, leader_id, leader_epoch
            03 00000001 00000002    //     replica_nodes [1, 2]
            02 00000001             //     isr_nodes [1]
            02 00000002             //     offline_replicas [2]
            00                      //     tagged fields: none
            000000f8                //   topic_authorized_operations 248
            00                      //   tagged fields: none
            00000100                // cluster_authorized_operations 256
            00                      // tagged fields: none
            """),
        [10] = Hex.Bytes("""
            0000000a                // throttle_time_ms 10
            02                      // brokers: compact 1+1
            00000001 03 6231 00002384 03 7231 00 // node_id, host, port, rack, no tags
            02 63 00000001          // cluster_id "c", controller_id 1
            02                      // topics: compact 1+1
            0000 02 74              //   error_code, name "t"
            00112233445566778899aabbccddeeff // topic_id (v10+)
            01                      //   is_internal
            02                      //   partitions: compact 1+1
            0000 00000000 00000001 00000005 // error_code, partition_index, leader_id, leader_epoch
            03 00000001 00000002 02 00000001 02 00000002 00 // replicas [1, 2], isr [1], offline [2], no tags
            000000f8 00             //   topic_authorized_operations 248, no tags
            80000000                // cluster_authorized_operations (last version with it)
            00                      // tagged fields: none
            """),
        [11] = Hex.Bytes("""
            0000000a                // throttle_time_ms 10
            02                      // brokers: compact 1+1
            00000001 03 6231 00002384 03 7231 00 // node_id, host, port, rack, no tags
            02 63 00000001          // cluster_id "c", controller_id 1
            02                      // topics: compact 1+1
            0000 02 74              //   error_code, name "t"
            00112233445566778899aabbccddeeff // topic_id
            01                      //   is_internal
            02                      //   partitions: compact 1+1
            0000 00000000 00000001 00000005 // error_code, partition_index, leader_id, leader_epoch
            03 00000001 00000002 02 00000001 02 00000002 00 // replicas [1, 2], isr [1], offline [2], no tags
            000000f8 00             //   topic_authorized_operations 248, no tags
            00                      // tagged fields: none (no cluster_authorized_operations from v11)
            """),
        [12] = Hex.Bytes("""
            0000000a                // throttle_time_ms 10
            02                      // brokers: compact 1+1
            00000001 03 6231 00002384 03 7231 00 // node_id, host, port, rack, no tags
            00 00000001             // cluster_id null, controller_id 1
            02                      // topics: compact 1+1
            0064 00                 //   error_code 100 (UNKNOWN_TOPIC_ID), name null (nullable v12+)
            00112233445566778899aabbccddeeff // topic_id
            00                      //   is_internal false
            01                      //   partitions: none
            000000f8 00             //   topic_authorized_operations 248, no tags
            00                      // tagged fields: none
            """),
        [13] = Hex.Bytes("""
            0000000a                // throttle_time_ms 10
            02                      // brokers: compact 1+1
            00000001 03 6231 00002384 03 7231 00 // node_id, host, port, rack, no tags
            02 63 00000001          // cluster_id "c", controller_id 1
            02                      // topics: compact 1+1
            0000 02 74              //   error_code, name "t"
            00112233445566778899aabbccddeeff // topic_id
            01                      //   is_internal
            02                      //   partitions: compact 1+1
            0000 00000000 00000001 00000005 // error_code, partition_index, leader_id, leader_epoch
            03 00000001 00000002 02 00000001 02 00000002 // replicas [1, 2], isr [1], offline [2]
            01 05 00                //     tagged fields: 1, unknown tag 5 (empty)
            000000f8 00             //   topic_authorized_operations 248, no tags
            0025                    // error_code 37 (v13+)
            02 00 01 11 07 02 2222  // tagged fields: 2, unknown tag 0 (1 byte), unknown tag 7 (2 bytes)
            """),
    };

    public static TheoryData<short> RequestVersions() => [.. RequestVectors.Keys];

    public static TheoryData<short> ResponseVersions() => [.. ResponseVectors.Keys];

    [Theory]
    [MemberData(nameof(RequestVersions))]
    public void ReadRequest_BoundaryVersion_ReadsEveryFieldAndReencodesIdentically(short v)
    {
        var request = Request.AssertRoundTrip(RequestVectors[v], v);

        switch (v)
        {
            case 0 or 4:
                Assert.Equal("t", Assert.Single(request.Topics!).Name);
                Assert.Equal(v < 4, request.AllowAutoTopicCreation);
                break;
            case 1 or 11:
                Assert.Null(request.Topics);
                Assert.True(request.AllowAutoTopicCreation);
                Assert.Equal(v == 11, request.IncludeTopicAuthorizedOperations);
                break;
            case 8:
                Assert.Empty(request.Topics!);
                Assert.Equal((true, true, false), (request.AllowAutoTopicCreation, request.IncludeClusterAuthorizedOperations, request.IncludeTopicAuthorizedOperations));
                break;
            case 9:
                Assert.Equal("t", Assert.Single(request.Topics!).Name);
                Assert.Equal((true, false, true), (request.AllowAutoTopicCreation, request.IncludeClusterAuthorizedOperations, request.IncludeTopicAuthorizedOperations));
                break;
            case 10:
                var byId = Assert.Single(request.Topics!);
                Assert.Equal((TopicId, null), (byId.TopicId, byId.Name));
                Assert.Equal((true, true, true), (request.AllowAutoTopicCreation, request.IncludeClusterAuthorizedOperations, request.IncludeTopicAuthorizedOperations));
                break;
            default:
                var topic = Assert.Single(request.Topics!);
                Assert.Equal((TopicId, "t"), (topic.TopicId, topic.Name));
                Assert.Equal(3u, Assert.Single(topic.UnknownTaggedFields).Tag);
                Assert.Equal((false, true), (request.AllowAutoTopicCreation, request.IncludeTopicAuthorizedOperations));
                var tag = Assert.Single(request.UnknownTaggedFields);
                Assert.Equal(129u, tag.Tag);
                Assert.Equal([0xbe, 0xef], tag.Data.ToArray());
                break;
        }
    }

    [Theory]
    [MemberData(nameof(ResponseVersions))]
    public void ReadResponse_BoundaryVersion_ReadsEveryFieldAndReencodesIdentically(short v)
    {
        var response = Response.AssertRoundTrip(ResponseVectors[v], v);

        Assert.Equal(v >= 3 ? 10 : 0, response.ThrottleTimeMs);
        var broker = Assert.Single(response.Brokers);
        Assert.Equal((1, "b1", 9092, v >= 2 ? "r1" : null), (broker.NodeId, broker.Host, broker.Port, broker.Rack));
        Assert.Equal(v == 9 ? 1 : 0, broker.UnknownTaggedFields.Count);
        Assert.Equal(v is >= 2 and not 12 ? "c" : null, response.ClusterId);
        Assert.Equal(v >= 1 ? 1 : -1, response.ControllerId);
        Assert.Equal(v == 9 ? 256 : int.MinValue, response.ClusterAuthorizedOperations);
        Assert.Equal(v >= 13 ? 37 : 0, response.ErrorCode);
        Assert.Equal(v >= 13 ? [0u, 7u] : [], response.UnknownTaggedFields.Select(t => t.Tag));

        var topic = Assert.Single(response.Topics);
        Assert.Equal(v == 12 ? 100 : 0, topic.ErrorCode);
        Assert.Equal(v == 12 ? null : "t", topic.Name);
        Assert.Equal(v >= 10 ? TopicId : Guid.Empty, topic.TopicId);
        Assert.Equal(v is >= 1 and not 12, topic.IsInternal);
        Assert.Equal(v >= 8 ? 248 : int.MinValue, topic.TopicAuthorizedOperations);
        if (v == 12)
        {
            Assert.Empty(topic.Partitions);
            return;
        }

        var partition = Assert.Single(topic.Partitions);
        Assert.Equal((0, 0, 1, v >= 7 ? 5 : -1), (partition.ErrorCode, partition.PartitionIndex, partition.LeaderId, partition.LeaderEpoch));
        Assert.Equal([1, 2], partition.ReplicaNodes);
        Assert.Equal([1], partition.IsrNodes);
        Assert.Equal(v >= 5 ? [2] : [], partition.OfflineReplicas);
        Assert.Equal(v >= 13 ? 1 : 0, partition.UnknownTaggedFields.Count);
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
    public void ReadRequest_V0NullTopics_ThrowsProtocolException()
    {
        Assert.Throws<KafkaProtocolException>(() => Request.Decode(Hex.Bytes("ffffffff"), 0));
    }

    [Fact]
    public void WriteRequest_V0NullTopics_WritesEmptyArrayMeaningAllTopics()
    {
        Assert.Equal(Hex.Bytes("00000000"), Request.Encode(new MetadataRequest { Topics = null }, 0));
    }

    [Fact]
    public void ReadResponse_NullTopicNameBeforeV12_ThrowsProtocolException()
    {
        byte[] v11 = ResponseVectors[12].ToArray();
        Assert.Throws<KafkaProtocolException>(() => Response.Decode(v11, 11));
    }

    [Fact]
    public void WriteResponse_NullTopicNameBeforeV12_ThrowsInvalidOperation()
    {
        var response = new MetadataResponse { Topics = { new MetadataResponseTopic { Name = null } } };

        Assert.Single(Response.Decode(Response.Encode(response, 12), 12).Topics);
        Assert.Throws<InvalidOperationException>(() => Response.Encode(response, 11));
    }

    [Fact]
    public void RoundTrip_RandomRequests_GivesIdenticalBytes()
    {
        var models = Gen.Short[MetadataRequest.LowestSupportedVersion, MetadataRequest.HighestSupportedVersion].SelectMany(v =>
        {
            var topic = Gen.Select(Gen.Guid, MessageGen.StringNullableIf(v >= 10), MessageGen.TagsIf(v >= 9))
                .Select((id, name, tags) => new MetadataRequestTopic { TopicId = id, Name = name, UnknownTaggedFields = tags });
            var topics = topic.List[0, 4].Null(v >= 1 ? 0.2 : 0.0);
            return Gen.Select(topics, Gen.Bool, Gen.Bool, Gen.Bool, MessageGen.TagsIf(v >= 9))
                .Select((t, auto, cluster, topicOps, tags) => (v, new MetadataRequest
                {
                    Topics = t,
                    AllowAutoTopicCreation = auto,
                    IncludeClusterAuthorizedOperations = cluster,
                    IncludeTopicAuthorizedOperations = topicOps,
                    UnknownTaggedFields = tags,
                }));
        });

        Request.AssertRandomRoundTrips(models);
    }

    [Fact]
    public void RoundTrip_RandomResponses_GivesIdenticalBytes()
    {
        var models = Gen.Short[MetadataResponse.LowestSupportedVersion, MetadataResponse.HighestSupportedVersion].SelectMany(v =>
        {
            bool flexible = v >= 9;
            var broker = Gen.Select(Gen.Int, MessageGen.String, Gen.Int, MessageGen.NullableString, MessageGen.TagsIf(flexible))
                .Select((node, host, port, rack, tags) => new MetadataResponseBroker { NodeId = node, Host = host, Port = port, Rack = rack, UnknownTaggedFields = tags });
            var partition = Gen.Select(Gen.Short, Gen.Int, Gen.Int, Gen.Int, MessageGen.Int32List, MessageGen.Int32List, MessageGen.Int32List, MessageGen.TagsIf(flexible))
                .Select((error, index, leader, epoch, replicas, isr, offline, tags) => new MetadataResponsePartition
                {
                    ErrorCode = error,
                    PartitionIndex = index,
                    LeaderId = leader,
                    LeaderEpoch = epoch,
                    ReplicaNodes = replicas,
                    IsrNodes = isr,
                    OfflineReplicas = offline,
                    UnknownTaggedFields = tags,
                });
            var topic = Gen.Select(Gen.Short, MessageGen.StringNullableIf(v >= 12), Gen.Guid, Gen.Bool, partition.List[0, 3], Gen.Int, MessageGen.TagsIf(flexible))
                .Select((error, name, id, isInternal, partitions, ops, tags) => new MetadataResponseTopic
                {
                    ErrorCode = error,
                    Name = name,
                    TopicId = id,
                    IsInternal = isInternal,
                    Partitions = partitions,
                    TopicAuthorizedOperations = ops,
                    UnknownTaggedFields = tags,
                });
            return Gen.Select(Gen.Int, broker.List[0, 4], MessageGen.NullableString, Gen.Int, topic.List[0, 3], Gen.Int, Gen.Short, MessageGen.TagsIf(flexible))
                .Select((throttle, brokers, cluster, controller, topics, ops, error, tags) => (v, new MetadataResponse
                {
                    ThrottleTimeMs = throttle,
                    Brokers = brokers,
                    ClusterId = cluster,
                    ControllerId = controller,
                    Topics = topics,
                    ClusterAuthorizedOperations = ops,
                    ErrorCode = error,
                    UnknownTaggedFields = tags,
                }));
        });

        Response.AssertRandomRoundTrips(models);
    }
}
