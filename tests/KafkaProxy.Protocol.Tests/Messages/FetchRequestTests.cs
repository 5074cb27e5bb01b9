using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.Fetch;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Messages;

public sealed class FetchRequestTests
{
    private static readonly MessageCodec<FetchRequest> Request = new(ApiKey.Fetch, FetchRequest.Read, (m, w, v) => m.Write(w, v));

    private static readonly Dictionary<short, byte[]> Vectors = new()
    {
        [4] = Hex.Bytes("""
            ffffffff                    // replica_id -1 (a consumer)
            000001f4                    // max_wait_ms 500
            00000001                    // min_bytes 1
            03200000                    // max_bytes 52428800 (v3+)
            00                          // isolation_level 0 (v4+)
            00000001                    // topics: 1
            0006 6f7264657273           //   topic "orders"
            00000001                    //   partitions: 1
            00000002                    //     partition 2
            0000000000000005            //     fetch_offset 5
            00100000                    //     partition_max_bytes 1048576
            """),
        [15] = Hex.Bytes("""
            000001f4                    // max_wait_ms 500 (no replica_id from v15)
            00000001                    // min_bytes 1
            03200000                    // max_bytes 52428800
            01                          // isolation_level 1
            00000007                    // session_id 7
            00000003                    // session_epoch 3
            02                          // topics: compact 1+1
            00112233445566778899aabbccddeeff // topic_id
            02                          //   partitions: compact 1+1
            00000002                    //     partition 2
            00000009                    //     current_leader_epoch 9 (v9+)
            0000000000000005            //     fetch_offset 5
            00000008                    //     last_fetched_epoch 8 (v12+)
            ffffffffffffffff            //     log_start_offset -1 (v5+)
            00100000                    //     partition_max_bytes 1048576
            00                          //     tagged fields: none
            00                          //   tagged fields: none
            02                          // forgotten_topics_data: compact 1+1 (v7+)
            00112233445566778899aabbccddeeff // topic_id
            03 00000000 00000001        //   partitions: compact 2+1: 0, 1
            00                          //   tagged fields: none
            07 7261636b2d61             // rack_id "rack-a" (v11+)
            01                          // tagged fields: 1
            00 04 04 616263             //   tag 0 cluster_id, 4 bytes: "abc"
            """),
    };

    public static TheoryData<short> Versions() => [.. Vectors.Keys];

    [Fact]
    public void ReadRequest_V4_ReadsTheConsumersPartition()
    {
        var request = Request.AssertRoundTrip(Vectors[4], 4);

        Assert.Equal((-1, 500, 1, 52428800, (sbyte)0), (request.ReplicaId, request.MaxWaitMs, request.MinBytes, request.MaxBytes, request.IsolationLevel));
        var topic = Assert.Single(request.Topics);
        Assert.Equal("orders", topic.Topic);
        var partition = Assert.Single(topic.Partitions);
        Assert.Equal((2, 5L, 1048576, -1), (partition.Partition, partition.FetchOffset, partition.PartitionMaxBytes, partition.CurrentLeaderEpoch));
    }

    [Fact]
    public void ReadRequest_V15_ReadsSessionTopicIdsForgottenPartitionsAndTaggedClusterId()
    {
        var request = Request.AssertRoundTrip(Vectors[15], 15);

        Assert.Equal((7, 3, "rack-a", "abc"), (request.SessionId, request.SessionEpoch, request.RackId, request.ClusterId));
        Assert.True(request.ReplicaState.HasDefaultValues());
        var topic = Assert.Single(request.Topics);
        Assert.Equal(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), topic.TopicId);
        var partition = Assert.Single(topic.Partitions);
        Assert.Equal((9, 8, -1L), (partition.CurrentLeaderEpoch, partition.LastFetchedEpoch, partition.LogStartOffset));
        Assert.Equal([0, 1], Assert.Single(request.ForgottenTopicsData).Partitions);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ReadRequest_SplitIntoSegments_GivesTheSameMessage(short v) => Request.AssertSplitsDecodeTheSame(Vectors[v], v);

    [Theory]
    [MemberData(nameof(Versions))]
    public void ReadRequest_TruncatedAnywhere_ThrowsProtocolException(short v) => Request.AssertEveryTruncationThrows(Vectors[v], v);
}
