using System.Buffers;
using CsCheck;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.Produce;
using KafkaProxy.Protocol.Messages.Records;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Messages;

public sealed class ProduceTests
{
    private static readonly MessageCodec<ProduceRequest> Request = new(ApiKey.Produce, ProduceRequest.Read, (m, w, v) => m.Write(w, v));
    private static readonly MessageCodec<ProduceResponse> Response = new(ApiKey.Produce, ProduceResponse.Read, (m, w, v) => m.Write(w, v));

    private static readonly Guid TopicId = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");

    // The first record batch of RecordBatchReaderTests: 84 bytes, two records, producer 4711.
    private static readonly byte[] Batch = RecordBatchReaderTests.TwoBatches[..84];

    private static readonly Dictionary<short, byte[]> RequestVectors = new()
    {
        [3] = [.. Hex.Bytes("""
            ffff                        // transactional_id: null (v3+)
            ffff                        // acks -1 (every in-sync replica)
            00007530                    // timeout_ms 30000
            00000001                    // topic_data: 1
            0006 6f7264657273           //   name "orders"
            00000001                    //   partition_data: 1
            00000000                    //     index 0
            00000054                    //     records: 84 bytes, the batch
            """), .. Batch],
        [9] = [.. Hex.Bytes("""
            0d 74782d6f72646572732d3031 // transactional_id "tx-orders-01" (compact length 12+1; flexible from v9)
            0001                        // acks 1
            00001388                    // timeout_ms 5000
            02                          // topic_data: compact 1+1
            07 6f7264657273             //   name "orders"
            03                          //   partition_data: compact 2+1
            00000000                    //     index 0
            55                          //     records: compact 84+1, the batch
            """), .. Batch, .. Hex.Bytes("""
            00                          //     tagged fields: none
            00000001                    //     index 1
            00                          //     records: null (compact 0)
            01 0a 01 ff                 //     tagged fields: 1, unknown tag 10 (1 byte)
            00                          //   tagged fields: none
            00                          // tagged fields: none
            """)],
        [13] = [.. Hex.Bytes("""
            00                          // transactional_id: null
            ffff                        // acks -1
            00007530                    // timeout_ms 30000
            02                          // topic_data: compact 1+1
            00112233445566778899aabbccddeeff // topic_id (v13+, in place of the name)
            02                          //   partition_data: compact 1+1
            00000002                    //     index 2
            55                          //     records: compact 84+1, the batch
            """), .. Batch, .. Hex.Bytes("""
            00                          //     tagged fields: none
            00                          //   tagged fields: none
            00                          // tagged fields: none
            """)],
    };

    private static readonly Dictionary<short, byte[]> ResponseVectors = new()
    {
        [0] = Hex.Bytes("""
            00000001                    // responses: 1
            0006 6f7264657273           //   name "orders"
            00000001                    //   partition_responses: 1
            00000000                    //     index 0
            0000                        //     error_code 0
            0000000000000064            //     base_offset 100
            """),
        [8] = Hex.Bytes("""
            00000001                    // responses: 1
            0006 6f7264657273           //   name "orders"
            00000001                    //   partition_responses: 1
            00000000                    //     index 0
            0057                        //     error_code 87 (INVALID_RECORD)
            ffffffffffffffff            //     base_offset -1
            ffffffffffffffff            //     log_append_time_ms -1 (v2+)
            0000000000000000            //     log_start_offset 0 (v5+)
            00000001                    //     record_errors: 1 (v8+)
            00000001                    //       batch_index 1
            0006 6e6f206b6579           //       batch_index_error_message "no key"
            0009 626164206261746368     //     error_message "bad batch" (v8+)
            0000000a                    // throttle_time_ms 10 (v1+)
            """),
        [10] = Hex.Bytes("""
            02                          // responses: compact 1+1
            07 6f7264657273             //   name "orders"
            02                          //   partition_responses: compact 1+1
            00000000                    //     index 0
            0006                        //     error_code 6 (NOT_LEADER_OR_FOLLOWER)
            ffffffffffffffff            //     base_offset -1
            ffffffffffffffff            //     log_append_time_ms -1
            ffffffffffffffff            //     log_start_offset -1
            01                          //     record_errors: none
            00                          //     error_message: null
            01                          //     tagged fields: 1
            00 09                       //       tag 0 current_leader (v10+), 9 bytes
            00000002 00000007 00        //         leader_id 2, leader_epoch 7, no tags
            00                          //   tagged fields: none
            00000000                    // throttle_time_ms 0
            02                          // tagged fields: 2
            00 14                       //   tag 0 node_endpoints (v10+), 20 bytes
            02                          //     compact 1+1
            00000002                    //     node_id 2
            09 62726f6b65722d32         //     host "broker-2"
            00002384                    //     port 9092
            00                          //     rack: null
            00                          //     tagged fields: none
            07 01 2a                    //   unknown tag 7 (1 byte)
            """),
        [13] = Hex.Bytes("""
            02                          // responses: compact 1+1
            00112233445566778899aabbccddeeff // topic_id (v13+, in place of the name)
            02                          //   partition_responses: compact 1+1
            00000002                    //     index 2
            0000                        //     error_code 0
            0000000000000064            //     base_offset 100
            ffffffffffffffff            //     log_append_time_ms -1
            0000000000000000            //     log_start_offset 0
            01                          //     record_errors: none
            00                          //     error_message: null
            00                          //     tagged fields: none (current_leader at its default)
            00                          //   tagged fields: none
            00000000                    // throttle_time_ms 0
            00                          // tagged fields: none
            """),
    };

    public static TheoryData<short> RequestVersions() => [.. RequestVectors.Keys];

    public static TheoryData<short> ResponseVersions() => [.. ResponseVectors.Keys];

    [Fact]
    public void ReadRequest_V3_ReadsEveryFieldAndTheBatchHeader()
    {
        var request = Request.AssertRoundTrip(RequestVectors[3], 3);

        Assert.Equal((null, (short)-1, 30000), (request.TransactionalId, request.Acks, request.TimeoutMs));
        var topic = Assert.Single(request.TopicData);
        Assert.Equal("orders", topic.Name);
        var partition = Assert.Single(topic.PartitionData);
        Assert.Equal(0, partition.Index);
        var batch = AssertSingleBatch(partition.Records);
        Assert.Equal((4711L, (short)2, 10, 2), (batch.ProducerId, batch.ProducerEpoch, batch.BaseSequence, batch.RecordCount));
    }

    [Fact]
    public void ReadRequest_V9_ReadsCompactFieldsNullRecordsAndUnknownTag()
    {
        var request = Request.AssertRoundTrip(RequestVectors[9], 9);

        Assert.Equal(("tx-orders-01", (short)1, 5000), (request.TransactionalId, request.Acks, request.TimeoutMs));
        var topic = Assert.Single(request.TopicData);
        Assert.Equal("orders", topic.Name);
        Assert.Equal(2, topic.PartitionData.Count);
        Assert.Equal(2, AssertSingleBatch(topic.PartitionData[0].Records).RecordCount);
        Assert.Null(topic.PartitionData[1].Records);
        var tag = Assert.Single(topic.PartitionData[1].UnknownTaggedFields);
        Assert.Equal(10u, tag.Tag);
        Assert.Equal([0xff], tag.Data.ToArray());
        Assert.Empty(request.UnknownTaggedFields);
    }

    [Fact]
    public void ReadRequest_V13_ReadsTopicIdInPlaceOfName()
    {
        var request = Request.AssertRoundTrip(RequestVectors[13], 13);

        var topic = Assert.Single(request.TopicData);
        Assert.Equal((TopicId, string.Empty), (topic.TopicId, topic.Name));
        Assert.Equal(2, Assert.Single(topic.PartitionData).Index);
    }

    [Fact]
    public void ReadRequest_RecordsFromSegments_AreASliceOfTheInputNotACopy()
    {
        byte[] vector = RequestVectors[3].ToArray();
        var request = Request.Decode(ReadOnlySequenceFactory.Split(vector, 10, 40, 100), 3);
        var records = Assert.Single(Assert.Single(request.TopicData).PartitionData).Records!.Value;

        Assert.False(records.IsSingleSegment);
        vector[^1] ^= 0xff; // the last byte of the records, changed in the input after the read

        Assert.Equal(vector[^1], records.Slice(records.Length - 1).FirstSpan[0]);
    }

    [Fact]
    public void ReadResponse_V0_ReadsTheOffset()
    {
        var response = Response.AssertRoundTrip(ResponseVectors[0], 0);

        var partition = Assert.Single(Assert.Single(response.Responses).PartitionResponses);
        Assert.Equal((0, (short)0, 100L, -1L, -1L), (partition.Index, partition.ErrorCode, partition.BaseOffset, partition.LogAppendTimeMs, partition.LogStartOffset));
        Assert.Equal(0, response.ThrottleTimeMs);
    }

    [Fact]
    public void ReadResponse_V8_ReadsRecordErrors()
    {
        var response = Response.AssertRoundTrip(ResponseVectors[8], 8);

        var partition = Assert.Single(Assert.Single(response.Responses).PartitionResponses);
        Assert.Equal((87, -1L, -1L, 0L), (partition.ErrorCode, partition.BaseOffset, partition.LogAppendTimeMs, partition.LogStartOffset));
        var error = Assert.Single(partition.RecordErrors);
        Assert.Equal((1, "no key"), (error.BatchIndex, error.BatchIndexErrorMessage));
        Assert.Equal("bad batch", partition.ErrorMessage);
        Assert.Equal(10, response.ThrottleTimeMs);
    }

    [Fact]
    public void ReadResponse_V10_ReadsTaggedLeaderAndEndpointsAndKeepsUnknownTag()
    {
        var response = Response.AssertRoundTrip(ResponseVectors[10], 10);

        var partition = Assert.Single(Assert.Single(response.Responses).PartitionResponses);
        Assert.Equal(6, partition.ErrorCode);
        Assert.Equal((2, 7), (partition.CurrentLeader.LeaderId, partition.CurrentLeader.LeaderEpoch));
        var endpoint = Assert.Single(response.NodeEndpoints);
        Assert.Equal((2, "broker-2", 9092, (string?)null), (endpoint.NodeId, endpoint.Host, endpoint.Port, endpoint.Rack));
        Assert.Equal(7u, Assert.Single(response.UnknownTaggedFields).Tag);
    }

    [Fact]
    public void ReadResponse_V13_ReadsTopicIdAndDefaultLeader()
    {
        var response = Response.AssertRoundTrip(ResponseVectors[13], 13);

        var topic = Assert.Single(response.Responses);
        Assert.Equal(TopicId, topic.TopicId);
        var partition = Assert.Single(topic.PartitionResponses);
        Assert.Equal((2, 100L), (partition.Index, partition.BaseOffset));
        Assert.True(partition.CurrentLeader.HasDefaultValues());
        Assert.Empty(response.NodeEndpoints);
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
    public void ReadRequest_NullTopicNameBeforeV13_ThrowsProtocolExceptionWithOffset()
    {
        byte[] body = Hex.Bytes("""
            ffff 0001 00007530          // transactional_id null, acks 1, timeout_ms
            00000001                    // topic_data: 1
            ffff                        //   name: null, which no version allows
            """);

        var error = Assert.Throws<KafkaProtocolException>(() => Request.Decode(body, 3));
        Assert.Equal(((short)ApiKey.Produce, (short)3, 14L), (error.ApiKey, error.ApiVersion, error.Offset));
    }

    [Fact]
    public void WriteRequest_V2_LeavesOutTheTransactionalId()
    {
        var request = new ProduceRequest { TransactionalId = "tx", Acks = 1, TimeoutMs = 1000 };

        Assert.Equal(Hex.Bytes("0001 000003e8 00000000"), Request.Encode(request, 2));
    }

    [Fact]
    public void WriteResponse_V10DefaultLeader_WritesNoTag()
    {
        var response = new ProduceResponse { Responses = { new ProduceResponseTopic { Name = "t", PartitionResponses = { new ProduceResponsePartition() } } } };

        byte[] body = Response.Encode(response, 10);

        Assert.True(Assert.Single(Assert.Single(Response.Decode(body, 10).Responses).PartitionResponses).CurrentLeader.HasDefaultValues());
        Assert.Equal(response.Size(10), body.Length);
        Assert.EndsWith("00" + "00" + "00000000" + "00", Convert.ToHexString(body), StringComparison.Ordinal); // partition, topic: no tags; throttle; no tags
    }

    [Fact]
    public void RoundTrip_RandomRequests_GivesIdenticalBytes()
    {
        var models = Gen.Short[ProduceRequest.LowestSupportedVersion, ProduceRequest.HighestSupportedVersion].SelectMany(v =>
        {
            var records = Gen.Byte.Array[0, 30].Null(0.2).Select(b => b is null ? (ReadOnlySequence<byte>?)null : new ReadOnlySequence<byte>(b));
            var partition = Gen.Select(Gen.Int, records, MessageGen.TagsIf(v >= 9))
                .Select((index, r, tags) => new ProduceRequestPartition { Index = index, Records = r, UnknownTaggedFields = tags });
            var topic = Gen.Select(MessageGen.String, Gen.Guid, partition.List[0, 3], MessageGen.TagsIf(v >= 9))
                .Select((name, id, partitions, tags) => new ProduceRequestTopic { Name = name, TopicId = id, PartitionData = partitions, UnknownTaggedFields = tags });
            return Gen.Select(MessageGen.StringNullableIf(v >= 3), Gen.Short, Gen.Int, topic.List[0, 3], MessageGen.TagsIf(v >= 9))
                .Select((tx, acks, timeout, topics, tags) => (v, new ProduceRequest
                {
                    TransactionalId = tx,
                    Acks = acks,
                    TimeoutMs = timeout,
                    TopicData = topics,
                    UnknownTaggedFields = tags,
                }));
        });

        Request.AssertRandomRoundTrips(models);
    }

    [Fact]
    public void RoundTrip_RandomResponses_GivesIdenticalBytes()
    {
        var models = Gen.Short[ProduceResponse.LowestSupportedVersion, ProduceResponse.HighestSupportedVersion].SelectMany(v =>
        {
            var recordError = Gen.Select(Gen.Int, MessageGen.NullableString, MessageGen.TagsIf(v >= 9))
                .Select((index, message, tags) => new ProduceResponseRecordError { BatchIndex = index, BatchIndexErrorMessage = message, UnknownTaggedFields = tags });
            var leader = Gen.Select(Gen.Int, Gen.Int, MessageGen.TagsIf(v >= 9))
                .Select((id, epoch, tags) => new ProduceResponseLeaderIdAndEpoch { LeaderId = id, LeaderEpoch = epoch, UnknownTaggedFields = tags });
            var partition = Gen.Select(Gen.Int, Gen.Short, Gen.Long, Gen.Long, Gen.Long, recordError.List[0, 2], MessageGen.NullableString, leader)
                .Select((index, error, offset, append, start, errors, message, current) => new ProduceResponsePartition
                {
                    Index = index,
                    ErrorCode = error,
                    BaseOffset = offset,
                    LogAppendTimeMs = append,
                    LogStartOffset = start,
                    RecordErrors = errors,
                    ErrorMessage = message,
                    CurrentLeader = current,
                });
            var topic = Gen.Select(MessageGen.String, Gen.Guid, partition.List[0, 3])
                .Select((name, id, partitions) => new ProduceResponseTopic { Name = name, TopicId = id, PartitionResponses = partitions });
            var endpoint = Gen.Select(Gen.Int, MessageGen.String, Gen.Int, MessageGen.NullableString)
                .Select((id, host, port, rack) => new ProduceResponseNodeEndpoint { NodeId = id, Host = host, Port = port, Rack = rack });
            return Gen.Select(topic.List[0, 3], Gen.Int, endpoint.List[0, 2], MessageGen.TagsIf(v >= 9, firstTag: 1))
                .Select((topics, throttle, endpoints, tags) => (v, new ProduceResponse
                {
                    Responses = topics,
                    ThrottleTimeMs = throttle,
                    NodeEndpoints = endpoints,
                    UnknownTaggedFields = tags,
                }));
        });

        Response.AssertRandomRoundTrips(models);
    }

    private static RecordBatchHeader AssertSingleBatch(ReadOnlySequence<byte>? records)
    {
        Assert.NotNull(records);
        var reader = new RecordBatchReader(records.Value);
        Assert.True(reader.TryReadNext(out var header, out var batch));
        Assert.True(RecordBatchReader.IsCrcValid(header, batch));
        Assert.False(reader.TryReadNext(out _));
        Assert.False(reader.EndsWithPartialBatch);
        return header;
    }
}
