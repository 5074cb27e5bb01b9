using System.Buffers;
using CsCheck;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Messages.Fetch;
using KafkaProxy.Protocol.Messages.Records;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Messages;

public sealed class FetchTests
{
    private static readonly MessageCodec<FetchResponse> Response = new(ApiKey.Fetch, FetchResponse.Read, (m, w, v) => m.Write(w, v));

    private static readonly Guid TopicId = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");

    private static readonly byte[] TwoBatches = RecordBatchReaderTests.TwoBatches;

    private static readonly Dictionary<short, byte[]> Vectors = new()
    {
        [4] = [.. Hex.Bytes("""
            00000000                    // throttle_time_ms 0 (v1+)
            00000001                    // responses: 1
            0006 6f7264657273           //   topic "orders"
            00000002                    //   partitions: 2
            00000000                    //     partition_index 0
            0000                        //     error_code 0
            0000000000000003            //     high_watermark 3
            0000000000000002            //     last_stable_offset 2 (v4+)
            00000001                    //     aborted_transactions: 1 (v4+)
            0000000000001267            //       producer_id 4711
            0000000000000002            //       first_offset 2
            00000096                    //     records: 150 bytes, two batches
            """), .. TwoBatches, .. Hex.Bytes("""
            00000001                    //     partition_index 1
            0001                        //     error_code 1 (OFFSET_OUT_OF_RANGE)
            ffffffffffffffff            //     high_watermark -1
            ffffffffffffffff            //     last_stable_offset -1
            ffffffff                    //     aborted_transactions: null
            ffffffff                    //     records: null
            """)],
        [12] = [.. Hex.Bytes("""
            00000000                    // throttle_time_ms 0
            0000                        // error_code 0 (v7+)
            0000002a                    // session_id 42 (v7+)
            02                          // responses: compact 1+1 (flexible from v12)
            07 6f7264657273             //   topic "orders" (the last version with names)
            02                          //   partitions: compact 1+1
            00000000                    //     partition_index 0
            0000                        //     error_code 0
            0000000000000003            //     high_watermark 3
            0000000000000003            //     last_stable_offset 3
            0000000000000000            //     log_start_offset 0 (v5+)
            01                          //     aborted_transactions: none (compact 0+1)
            ffffffff                    //     preferred_read_replica -1 (v11+)
            55                          //     records: compact 84+1, the first batch whole
            """), .. TwoBatches[..84], .. Hex.Bytes("""
            03                          //     tagged fields: 3
            00 0d                       //       tag 0 diverging_epoch, 13 bytes
            00000004 0000000000000002 00 //        epoch 4, end_offset 2, no tags
            01 09                       //       tag 1 current_leader, 9 bytes
            00000002 00000007 00        //         leader_id 2, leader_epoch 7, no tags
            09 02 abcd                  //       unknown tag 9 (2 bytes)
            00                          //   tagged fields: none
            00                          // tagged fields: none
            """)],
        [16] = [.. Hex.Bytes("""
            00000000                    // throttle_time_ms 0
            0000                        // error_code 0
            00000000                    // session_id 0
            02                          // responses: compact 1+1
            00112233445566778899aabbccddeeff // topic_id (v13+, in place of the name)
            02                          //   partitions: compact 1+1
            00000000                    //     partition_index 0
            0006                        //     error_code 6 (NOT_LEADER_OR_FOLLOWER)
            ffffffffffffffff            //     high_watermark -1
            ffffffffffffffff            //     last_stable_offset -1
            ffffffffffffffff            //     log_start_offset -1
            00                          //     aborted_transactions: null
            ffffffff                    //     preferred_read_replica -1
            3b                          //     records: compact 58+1, the second batch cut after 58 of its 66 bytes
            """), .. TwoBatches[84..142], .. Hex.Bytes("""
            01                          //     tagged fields: 1
            02 0d                       //       tag 2 snapshot_id, 13 bytes
            0000000000000064 00000003 00 //        end_offset 100, epoch 3, no tags
            00                          //   tagged fields: none
            01                          // tagged fields: 1
            00 1a                       //   tag 0 node_endpoints (v16+), 26 bytes
            02                          //     compact 1+1
            00000002                    //     node_id 2
            09 62726f6b65722d32         //     host "broker-2"
            00002384                    //     port 9092
            07 7261636b2d61             //     rack "rack-a"
            00                          //     tagged fields: none
            """)],
    };

    public static TheoryData<short> Versions() => [.. Vectors.Keys];

    [Fact]
    public void ReadResponse_V4_ReadsAbortedTransactionsAndBothBatches()
    {
        var response = Response.AssertRoundTrip(Vectors[4], 4);

        var topic = Assert.Single(response.Responses);
        Assert.Equal("orders", topic.Topic);
        Assert.Equal(2, topic.Partitions.Count);
        var first = topic.Partitions[0];
        Assert.Equal((0, (short)0, 3L, 2L, -1L), (first.PartitionIndex, first.ErrorCode, first.HighWatermark, first.LastStableOffset, first.LogStartOffset));
        var aborted = Assert.Single(first.AbortedTransactions!);
        Assert.Equal((4711L, 2L), (aborted.ProducerId, aborted.FirstOffset));
        Assert.Equal([(0L, 2), (2L, 1)], ReadBatches(first.Records, out bool partial).Select(h => (h.BaseOffset, h.RecordCount)));
        Assert.False(partial);

        var second = topic.Partitions[1];
        Assert.Equal((1, (short)1, -1L), (second.PartitionIndex, second.ErrorCode, second.HighWatermark));
        Assert.Null(second.AbortedTransactions);
        Assert.Null(second.Records);
    }

    [Fact]
    public void ReadResponse_V12_ReadsSessionTaggedStructsAndKeepsUnknownTag()
    {
        var response = Response.AssertRoundTrip(Vectors[12], 12);

        Assert.Equal(42, response.SessionId);
        var partition = Assert.Single(Assert.Single(response.Responses).Partitions);
        Assert.Equal((3L, 3L, 0L, -1), (partition.HighWatermark, partition.LastStableOffset, partition.LogStartOffset, partition.PreferredReadReplica));
        Assert.Empty(partition.AbortedTransactions!);
        Assert.Equal((4, 2L), (partition.DivergingEpoch.Epoch, partition.DivergingEpoch.EndOffset));
        Assert.Equal((2, 7), (partition.CurrentLeader.LeaderId, partition.CurrentLeader.LeaderEpoch));
        Assert.True(partition.SnapshotId.HasDefaultValues());
        var tag = Assert.Single(partition.UnknownTaggedFields);
        Assert.Equal(9u, tag.Tag);
        Assert.Equal(2, Assert.Single(ReadBatches(partition.Records, out _)).RecordCount);
    }

    [Fact]
    public void ReadResponse_V16_ReadsTopicIdEndpointsAndAPartialLastBatch()
    {
        var response = Response.AssertRoundTrip(Vectors[16], 16);

        var topic = Assert.Single(response.Responses);
        Assert.Equal((TopicId, string.Empty), (topic.TopicId, topic.Topic));
        var partition = Assert.Single(topic.Partitions);
        Assert.Null(partition.AbortedTransactions);
        Assert.Equal((100L, 3), (partition.SnapshotId.EndOffset, partition.SnapshotId.Epoch));
        Assert.True(partition.DivergingEpoch.HasDefaultValues());
        Assert.Empty(ReadBatches(partition.Records, out bool partial));
        Assert.True(partial);
        var endpoint = Assert.Single(response.NodeEndpoints);
        Assert.Equal((2, "broker-2", 9092, "rack-a"), (endpoint.NodeId, endpoint.Host, endpoint.Port, endpoint.Rack));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ReadResponse_SplitIntoSegments_GivesTheSameMessage(short v) => Response.AssertSplitsDecodeTheSame(Vectors[v], v);

    [Theory]
    [MemberData(nameof(Versions))]
    public void ReadResponse_TruncatedAnywhere_ThrowsProtocolException(short v) => Response.AssertEveryTruncationThrows(Vectors[v], v);

    [Fact]
    public void WriteResponse_V12UnknownFieldUsingKnownTag_ThrowsInvalidOperation()
    {
        var partition = new FetchResponsePartition { UnknownTaggedFields = { new RawTaggedField(1, new byte[] { 0 }) } };
        var response = new FetchResponse { Responses = { new FetchResponseTopic { Topic = "t", Partitions = { partition } } } };

        Assert.Throws<InvalidOperationException>(() => Response.Encode(response, 12));
        Assert.NotEmpty(Response.Encode(response, 11)); // not flexible: no tags, nothing to reject
    }

    [Fact]
    public void RoundTrip_RandomResponses_GivesIdenticalBytes()
    {
        var models = Gen.Short[FetchResponse.LowestSupportedVersion, FetchResponse.HighestSupportedVersion].SelectMany(v =>
        {
            bool flexible = v >= 12;
            var records = Gen.Byte.Array[0, 30].Null(0.2).Select(b => b is null ? (ReadOnlySequence<byte>?)null : new ReadOnlySequence<byte>(b));
            var aborted = Gen.Select(Gen.Long, Gen.Long, MessageGen.TagsIf(flexible))
                .Select((producer, first, tags) => new FetchResponseAbortedTransaction { ProducerId = producer, FirstOffset = first, UnknownTaggedFields = tags });
            var diverging = Gen.Select(Gen.Int, Gen.Long).Select((epoch, end) => new FetchResponseEpochEndOffset { Epoch = epoch, EndOffset = end });
            var leader = Gen.Select(Gen.Int, Gen.Int).Select((id, epoch) => new FetchResponseLeaderIdAndEpoch { LeaderId = id, LeaderEpoch = epoch });
            var snapshot = Gen.Select(Gen.Long, Gen.Int).Select((end, epoch) => new FetchResponseSnapshotId { EndOffset = end, Epoch = epoch });
            var partition = Gen.Select(
                Gen.Int, Gen.Short, Gen.Long, Gen.Long, Gen.Long, aborted.List[0, 2].Null(v >= 4 ? 0.2 : 0.0), Gen.Int, records,
                diverging, leader, snapshot, MessageGen.TagsIf(flexible, firstTag: 3),
                (index, error, high, stable, start, abortedList, replica, r, d, l, s, tags) => new FetchResponsePartition
                {
                    PartitionIndex = index,
                    ErrorCode = error,
                    HighWatermark = high,
                    LastStableOffset = stable,
                    LogStartOffset = start,
                    AbortedTransactions = abortedList,
                    PreferredReadReplica = replica,
                    Records = r,
                    DivergingEpoch = d,
                    CurrentLeader = l,
                    SnapshotId = s,
                    UnknownTaggedFields = tags,
                });
            var topic = Gen.Select(MessageGen.String, Gen.Guid, partition.List[0, 3])
                .Select((name, id, partitions) => new FetchResponseTopic { Topic = name, TopicId = id, Partitions = partitions });
            var endpoint = Gen.Select(Gen.Int, MessageGen.String, Gen.Int, MessageGen.NullableString)
                .Select((id, host, port, rack) => new FetchResponseNodeEndpoint { NodeId = id, Host = host, Port = port, Rack = rack });
            return Gen.Select(Gen.Int, Gen.Short, Gen.Int, topic.List[0, 3], endpoint.List[0, 2], MessageGen.TagsIf(flexible, firstTag: 1))
                .Select((throttle, error, session, topics, endpoints, tags) => (v, new FetchResponse
                {
                    ThrottleTimeMs = throttle,
                    ErrorCode = error,
                    SessionId = session,
                    Responses = topics,
                    NodeEndpoints = endpoints,
                    UnknownTaggedFields = tags,
                }));
        });

        Response.AssertRandomRoundTrips(models);
    }

    private static List<RecordBatchHeader> ReadBatches(ReadOnlySequence<byte>? records, out bool partial)
    {
        Assert.NotNull(records);
        var reader = new RecordBatchReader(records.Value, (short)ApiKey.Fetch);
        var headers = new List<RecordBatchHeader>();
        while (reader.TryReadNext(out var header, out var batch))
        {
            Assert.True(RecordBatchReader.IsCrcValid(header, batch));
            headers.Add(header);
        }

        partial = reader.EndsWithPartialBatch;
        return headers;
    }
}
