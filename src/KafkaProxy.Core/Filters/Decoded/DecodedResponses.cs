using System.Buffers;
using KafkaProxy.Protocol.Messages.ApiVersions;
using KafkaProxy.Protocol.Messages.DescribeCluster;
using KafkaProxy.Protocol.Messages.Fetch;
using KafkaProxy.Protocol.Messages.FindCoordinator;
using KafkaProxy.Protocol.Messages.Metadata;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Filters;

/// <summary>Reads response bodies into the public views, from the generated models, copying what the views keep.</summary>
internal static class DecodedResponses
{
    /// <exception cref="KafkaProtocolException">The body is malformed.</exception>
    public static FetchResponseView ReadFetch(in ReadOnlySequence<byte> body, short version)
    {
        var fetch = MessageModels.Read<FetchResponse>(body, version, "Fetch");
        var topics = new FetchTopicView[fetch.Responses.Count];
        for (int t = 0; t < topics.Length; t++)
        {
            var topic = fetch.Responses[t];
            var partitions = new FetchPartitionView[topic.Partitions.Count];
            for (int p = 0; p < partitions.Length; p++)
            {
                var partition = topic.Partitions[p];
                var batches = DecodedRequests.ReadBatches(body, partition.Records, FetchResponse.MessageApiKey, version, out bool partial);
                partitions[p] = new FetchPartitionView(partition.PartitionIndex, partition.ErrorCode, partition.HighWatermark, partition.LastStableOffset, partition.LogStartOffset, batches, partial);
            }

            // v13 names topics by id only (KIP-516).
            topics[t] = version >= 13 ? new FetchTopicView(null, topic.TopicId, partitions) : new FetchTopicView(topic.Topic, null, partitions);
        }

        return new FetchResponseView(fetch.ThrottleTimeMs, fetch.ErrorCode, fetch.SessionId, topics);
    }

    /// <exception cref="KafkaProtocolException">The body is malformed.</exception>
    public static MetadataResponseView ReadMetadata(in ReadOnlySequence<byte> body, short version)
    {
        var metadata = MessageModels.Read<MetadataResponse>(body, version, "Metadata");
        var brokers = metadata.Brokers.Select(b => new BrokerView(b.NodeId, b.Host, b.Port, b.Rack)).ToArray();
        var topics = metadata.Topics
            .Select(t => new MetadataTopicView(
                t.ErrorCode,
                t.Name,
                version >= 10 ? t.TopicId : null,
                t.IsInternal,
                [.. t.Partitions.Select(p => new MetadataPartitionView(p.ErrorCode, p.PartitionIndex, p.LeaderId, p.LeaderEpoch, [.. p.ReplicaNodes], [.. p.IsrNodes]))]))
            .ToArray();
        return new MetadataResponseView(brokers, metadata.ClusterId, metadata.ControllerId, topics);
    }

    /// <exception cref="KafkaProtocolException">The body is malformed.</exception>
    public static FindCoordinatorResponseView ReadFindCoordinator(in ReadOnlySequence<byte> body, short version)
    {
        var response = MessageModels.Read<FindCoordinatorResponse>(body, version, "FindCoordinator");
        CoordinatorView[] coordinators = version >= 4
            ? [.. response.Coordinators.Select(c => new CoordinatorView(c.Key, c.NodeId, c.Host, c.Port, c.ErrorCode, c.ErrorMessage))]
            : [new CoordinatorView(null, response.NodeId, response.Host, response.Port, response.ErrorCode, response.ErrorMessage)];
        return new FindCoordinatorResponseView(response.ThrottleTimeMs, coordinators);
    }

    /// <exception cref="KafkaProtocolException">The body is malformed.</exception>
    public static DescribeClusterResponseView ReadDescribeCluster(in ReadOnlySequence<byte> body, short version)
    {
        var response = MessageModels.Read<DescribeClusterResponse>(body, version, "DescribeCluster");
        var brokers = response.Brokers.Select(b => new BrokerView(b.BrokerId, b.Host, b.Port, b.Rack)).ToArray();
        return new DescribeClusterResponseView(response.ErrorCode, response.ErrorMessage, response.ClusterId, response.ControllerId, brokers);
    }

    /// <exception cref="KafkaProtocolException">The body is malformed.</exception>
    public static ApiVersionsResponseView ReadApiVersions(in ReadOnlySequence<byte> body, short version)
    {
        var response = MessageModels.Read<ApiVersionsResponse>(body, version, "ApiVersions");
        var keys = response.ApiKeys.Select(k => new ApiVersionRangeView(k.ApiKey, k.MinVersion, k.MaxVersion)).ToArray();
        return new ApiVersionsResponseView(response.ErrorCode, keys, response.ThrottleTimeMs);
    }
}
