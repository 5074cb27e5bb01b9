using CsCheck;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.CreateTopics;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Messages;

public sealed class CreateTopicsTests
{
    private static readonly MessageCodec<CreateTopicsRequest> Request = new(ApiKey.CreateTopics, CreateTopicsRequest.Read, (m, w, v) => m.Write(w, v));
    private static readonly MessageCodec<CreateTopicsResponse> Response = new(ApiKey.CreateTopics, CreateTopicsResponse.Read, (m, w, v) => m.Write(w, v));

    private static readonly Guid TopicId = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");

    private static readonly Dictionary<short, byte[]> RequestVectors = new()
    {
        [0] = Hex.Bytes("""
            00000001                    // topics: 1
            0006 6f7264657273           //   name "orders"
            00000003                    //   num_partitions 3
            0002                        //   replication_factor 2
            00000000                    //   assignments: none
            00000001                    //   configs: 1
            000e 636c65616e75702e706f6c696379 // name "cleanup.policy"
            0007 636f6d70616374         //     value "compact"
            00007530                    // timeout_ms 30000
            """),
        [5] = Hex.Bytes("""
            02                          // topics: compact 1+1 (flexible from v5)
            07 6f7264657273             //   name "orders"
            ffffffff                    //   num_partitions -1 (the assignments say)
            ffff                        //   replication_factor -1
            02                          //   assignments: compact 1+1
            00000000                    //     partition_index 0
            03 00000001 00000002        //     broker_ids [1, 2]
            00                          //     tagged fields: none
            02                          //   configs: compact 1+1
            0f 636c65616e75702e706f6c696379 // name "cleanup.policy"
            00                          //     value: null
            00                          //     tagged fields: none
            00                          //   tagged fields: none
            00007530                    // timeout_ms 30000
            01                          // validate_only true (v1+)
            00                          // tagged fields: none
            """),
    };

    private static readonly Dictionary<short, byte[]> ResponseVectors = new()
    {
        [0] = Hex.Bytes("""
            00000001                    // topics: 1
            0006 6f7264657273           //   name "orders"
            002c                        //   error_code 44 (POLICY_VIOLATION)
            """),
        [5] = Hex.Bytes("""
            00000000                    // throttle_time_ms 0 (v2+)
            03                          // topics: compact 2+1
            07 6f7264657273             //   name "orders"
            0000                        //   error_code 0
            00                          //   error_message: null (v1+)
            00000003                    //   num_partitions 3 (v5+)
            0002                        //   replication_factor 2 (v5+)
            02                          //   configs: compact 1+1 (v5+)
            0f 636c65616e75702e706f6c696379 // name "cleanup.policy"
            08 636f6d70616374           //     value "compact"
            00                          //     read_only false
            05                          //     config_source 5 (DEFAULT_CONFIG)
            00                          //     is_sensitive false
            00                          //     tagged fields: none
            00                          //   tagged fields: none
            09 7061796d656e7473         //   name "payments"
            002c                        //   error_code 44 (POLICY_VIOLATION)
            10 7265706c69636174696f6e203c2033 // error_message "replication < 3"
            ffffffff                    //   num_partitions -1
            ffff                        //   replication_factor -1
            00                          //   configs: null
            01 00 02 001d               //   tagged fields: 1, tag 0 topic_config_error_code 29 (2 bytes)
            00                          // tagged fields: none
            """),
        [7] = Hex.Bytes("""
            00000000                    // throttle_time_ms 0
            02                          // topics: compact 1+1
            07 6f7264657273             //   name "orders"
            00112233445566778899aabbccddeeff // topic_id (v7+)
            0000                        //   error_code 0
            00                          //   error_message: null
            00000003 0002               //   num_partitions 3, replication_factor 2
            01                          //   configs: none
            00                          //   tagged fields: none
            00                          // tagged fields: none
            """),
    };

    public static TheoryData<short> RequestVersions() => [.. RequestVectors.Keys];

    public static TheoryData<short> ResponseVersions() => [.. ResponseVectors.Keys];

    [Fact]
    public void ReadRequest_V0_ReadsTopicAndConfig()
    {
        var request = Request.AssertRoundTrip(RequestVectors[0], 0);

        var topic = Assert.Single(request.Topics);
        Assert.Equal(("orders", 3, (short)2), (topic.Name, topic.NumPartitions, topic.ReplicationFactor));
        Assert.Empty(topic.Assignments);
        var config = Assert.Single(topic.Configs);
        Assert.Equal(("cleanup.policy", "compact"), (config.Name, config.Value));
        Assert.Equal((30000, false), (request.TimeoutMs, request.ValidateOnly));
    }

    [Fact]
    public void ReadRequest_V5_ReadsAssignmentsNullValueAndValidateOnly()
    {
        var request = Request.AssertRoundTrip(RequestVectors[5], 5);

        var topic = Assert.Single(request.Topics);
        Assert.Equal((-1, (short)-1), (topic.NumPartitions, topic.ReplicationFactor));
        var assignment = Assert.Single(topic.Assignments);
        Assert.Equal(0, assignment.PartitionIndex);
        Assert.Equal([1, 2], assignment.BrokerIds);
        Assert.Null(Assert.Single(topic.Configs).Value);
        Assert.True(request.ValidateOnly);
    }

    [Fact]
    public void ReadResponse_V0_ReadsErrorCode()
    {
        var response = Response.AssertRoundTrip(ResponseVectors[0], 0);

        var topic = Assert.Single(response.Topics);
        Assert.Equal(("orders", (short)44, (string?)null), (topic.Name, topic.ErrorCode, topic.ErrorMessage));
        Assert.Equal((-1, (short)-1), (topic.NumPartitions, topic.ReplicationFactor));
    }

    [Fact]
    public void ReadResponse_V5_ReadsConfigsAndTaggedConfigErrorCode()
    {
        var response = Response.AssertRoundTrip(ResponseVectors[5], 5);

        Assert.Equal(2, response.Topics.Count);
        var created = response.Topics[0];
        Assert.Equal((3, (short)2, (short)0), (created.NumPartitions, created.ReplicationFactor, created.TopicConfigErrorCode));
        var config = Assert.Single(created.Configs!);
        Assert.Equal(("cleanup.policy", "compact", false, (sbyte)5, false), (config.Name, config.Value, config.ReadOnly, config.ConfigSource, config.IsSensitive));

        var refused = response.Topics[1];
        Assert.Equal(("payments", (short)44, "replication < 3"), (refused.Name, refused.ErrorCode, refused.ErrorMessage));
        Assert.Null(refused.Configs);
        Assert.Equal(29, refused.TopicConfigErrorCode);
        Assert.Empty(refused.UnknownTaggedFields);
    }

    [Fact]
    public void ReadResponse_V7_ReadsTopicId()
    {
        var response = Response.AssertRoundTrip(ResponseVectors[7], 7);

        Assert.Equal(TopicId, Assert.Single(response.Topics).TopicId);
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
    public void WriteResponse_NullConfigsBeforeV5_AreNotWritten()
    {
        var response = new CreateTopicsResponse { Topics = { new CreateTopicsResponseTopic { Name = "t", Configs = null } } };

        Assert.Equal(Hex.Bytes("00000000 00000001 0001 74 0000 ffff"), Response.Encode(response, 2)); // throttle, topics, name, error, message null
    }

    [Fact]
    public void RoundTrip_RandomRequests_GivesIdenticalBytes()
    {
        var models = Gen.Short[CreateTopicsRequest.LowestSupportedVersion, CreateTopicsRequest.HighestSupportedVersion].SelectMany(v =>
        {
            bool flexible = v >= 5;
            var assignment = Gen.Select(Gen.Int, MessageGen.Int32List, MessageGen.TagsIf(flexible))
                .Select((index, brokers, tags) => new CreateTopicsRequestAssignment { PartitionIndex = index, BrokerIds = brokers, UnknownTaggedFields = tags });
            var config = Gen.Select(MessageGen.String, MessageGen.NullableString, MessageGen.TagsIf(flexible))
                .Select((name, value, tags) => new CreateTopicsRequestConfig { Name = name, Value = value, UnknownTaggedFields = tags });
            var topic = Gen.Select(MessageGen.String, Gen.Int, Gen.Short, assignment.List[0, 2], config.List[0, 2], MessageGen.TagsIf(flexible))
                .Select((name, partitions, replication, assignments, configs, tags) => new CreateTopicsRequestTopic
                {
                    Name = name,
                    NumPartitions = partitions,
                    ReplicationFactor = replication,
                    Assignments = assignments,
                    Configs = configs,
                    UnknownTaggedFields = tags,
                });
            return Gen.Select(topic.List[0, 3], Gen.Int, Gen.Bool, MessageGen.TagsIf(flexible))
                .Select((topics, timeout, validate, tags) => (v, new CreateTopicsRequest { Topics = topics, TimeoutMs = timeout, ValidateOnly = validate, UnknownTaggedFields = tags }));
        });

        Request.AssertRandomRoundTrips(models);
    }

    [Fact]
    public void RoundTrip_RandomResponses_GivesIdenticalBytes()
    {
        var models = Gen.Short[CreateTopicsResponse.LowestSupportedVersion, CreateTopicsResponse.HighestSupportedVersion].SelectMany(v =>
        {
            bool flexible = v >= 5;
            var config = Gen.Select(MessageGen.String, MessageGen.NullableString, Gen.Bool, Gen.SByte, Gen.Bool, MessageGen.TagsIf(flexible))
                .Select((name, value, readOnly, source, sensitive, tags) => new CreateTopicsResponseConfig
                {
                    Name = name,
                    Value = value,
                    ReadOnly = readOnly,
                    ConfigSource = source,
                    IsSensitive = sensitive,
                    UnknownTaggedFields = tags,
                });
            var topic = Gen.Select(MessageGen.String, Gen.Guid, Gen.Short, MessageGen.NullableString, Gen.Short, Gen.Int, Gen.Short, config.List[0, 2].Null(0.2))
                .Select((name, id, error, message, configError, partitions, replication, configs) => new CreateTopicsResponseTopic
                {
                    Name = name,
                    TopicId = id,
                    ErrorCode = error,
                    ErrorMessage = message,
                    TopicConfigErrorCode = configError,
                    NumPartitions = partitions,
                    ReplicationFactor = replication,
                    Configs = configs,
                });
            return Gen.Select(Gen.Int, topic.List[0, 3], MessageGen.TagsIf(flexible))
                .Select((throttle, topics, tags) => (v, new CreateTopicsResponse { ThrottleTimeMs = throttle, Topics = topics, UnknownTaggedFields = tags }));
        });

        Response.AssertRandomRoundTrips(models);
    }
}
