using System.Buffers;
using KafkaProxy.Protocol.Messages.CreateTopics;
using KafkaProxy.Protocol.Messages.Fetch;
using KafkaProxy.Protocol.Messages.Produce;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// Error responses in a request's own layout, built from the request: every topic (and partition) it names gets the
/// error code, and the message where the version has a field for it (Produce v8+, CreateTopics v1+; Fetch has none).
/// </summary>
internal static class ErrorResponses
{
    /// <summary>Whether the proxy builds error responses for this api key.</summary>
    public static bool Supports(short apiKey) => apiKey is ProduceRequest.MessageApiKey or FetchRequest.MessageApiKey or CreateTopicsRequest.MessageApiKey;

    /// <summary>The response body refusing <paramref name="body"/>, a request of <paramref name="apiKey"/> and <paramref name="version"/>, with <paramref name="errorCode"/>.</summary>
    /// <param name="apiKey">The request's api key.</param>
    /// <param name="version">The request's version, and so the response's.</param>
    /// <param name="body">The request body.</param>
    /// <param name="errorCode">The code every topic and partition gets.</param>
    /// <param name="message">The error message of the topic at an index of the request.</param>
    /// <exception cref="KafkaProtocolException">The request body is malformed.</exception>
    public static byte[] Build(short apiKey, short version, in ReadOnlySequence<byte> body, short errorCode, Func<int, string> message) => apiKey switch
    {
        ProduceRequest.MessageApiKey => Produce(version, body, errorCode, message),
        FetchRequest.MessageApiKey => Fetch(version, body, errorCode),
        CreateTopicsRequest.MessageApiKey => CreateTopics(version, body, errorCode, message),
        _ => throw new ArgumentOutOfRangeException(nameof(apiKey), apiKey, "no error response is built for this api key (see Supports)"),
    };

    private static byte[] Produce(short version, in ReadOnlySequence<byte> body, short errorCode, Func<int, string> message)
    {
        var produce = MessageModels.Read<ProduceRequest>(body, version, "Produce");
        var response = new ProduceResponse();
        for (int t = 0; t < produce.TopicData.Count; t++)
        {
            var topic = produce.TopicData[t];
            string reason = message(t);
            var refused = new ProduceResponseTopic { Name = topic.Name, TopicId = topic.TopicId };
            foreach (var partition in topic.PartitionData)
            {
                refused.PartitionResponses.Add(new ProduceResponsePartition
                {
                    Index = partition.Index, ErrorCode = errorCode, BaseOffset = -1, LogAppendTimeMs = -1, LogStartOffset = -1, ErrorMessage = reason,
                });
            }

            response.Responses.Add(refused);
        }

        return MessageModels.Encode(response, version);
    }

    // A Fetch response has no error message: the reason is only logged. No records, and no fetch session (id 0): the
    // client's next fetch is a full one.
    private static byte[] Fetch(short version, in ReadOnlySequence<byte> body, short errorCode)
    {
        var fetch = MessageModels.Read<FetchRequest>(body, version, "Fetch");
        var response = new FetchResponse();
        foreach (var topic in fetch.Topics)
        {
            var refused = new FetchResponseTopic { Topic = topic.Topic, TopicId = topic.TopicId };
            foreach (var partition in topic.Partitions)
            {
                refused.Partitions.Add(new FetchResponsePartition
                {
                    PartitionIndex = partition.Partition, ErrorCode = errorCode, HighWatermark = -1, LastStableOffset = -1, LogStartOffset = -1,
                    AbortedTransactions = null, Records = ReadOnlySequence<byte>.Empty,
                });
            }

            response.Responses.Add(refused);
        }

        return MessageModels.Encode(response, version);
    }

    private static byte[] CreateTopics(short version, in ReadOnlySequence<byte> body, short errorCode, Func<int, string> message)
    {
        var create = MessageModels.Read<CreateTopicsRequest>(body, version, "CreateTopics");
        var response = new CreateTopicsResponse();
        for (int t = 0; t < create.Topics.Count; t++)
        {
            // Nothing was created: partitions, replication and configuration are unknown (v5+).
            response.Topics.Add(new CreateTopicsResponseTopic
            {
                Name = create.Topics[t].Name, ErrorCode = errorCode, ErrorMessage = message(t), NumPartitions = -1, ReplicationFactor = -1, Configs = null,
            });
        }

        return MessageModels.Encode(response, version);
    }

}
