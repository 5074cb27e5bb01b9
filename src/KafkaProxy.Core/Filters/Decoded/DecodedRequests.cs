using System.Buffers;
using KafkaProxy.Protocol.Messages.CreateTopics;
using KafkaProxy.Protocol.Messages.Produce;
using KafkaProxy.Protocol.Messages.Records;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Filters;

/// <summary>Reads request bodies into the public views, from the generated models, copying what the views keep.</summary>
internal static class DecodedRequests
{
    /// <exception cref="KafkaProtocolException">The body is malformed, or its records end inside a batch.</exception>
    public static ProduceRequestView ReadProduce(in ReadOnlySequence<byte> body, short version)
    {
        var produce = MessageModels.Read<ProduceRequest>(body, version, "Produce");
        var topics = new ProduceTopicView[produce.TopicData.Count];
        for (int t = 0; t < topics.Length; t++)
        {
            var topic = produce.TopicData[t];
            var partitions = new ProducePartitionView[topic.PartitionData.Count];
            for (int p = 0; p < partitions.Length; p++)
            {
                var partition = topic.PartitionData[p];
                partitions[p] = new ProducePartitionView(partition.Index, ReadBatches(body, partition.Records, ProduceRequest.MessageApiKey, version, out bool partial));
                if (partial)
                {
                    // A Fetch may end inside a batch; a Produce may not.
                    throw new KafkaProtocolException("a Produce request's records end inside a record batch", ProduceRequest.MessageApiKey, version, body.Slice(body.Start, partition.Records!.Value.End).Length);
                }
            }

            // v13 names topics by id only (KIP-516).
            topics[t] = version >= 13 ? new ProduceTopicView(null, topic.TopicId, partitions) : new ProduceTopicView(topic.Name, null, partitions);
        }

        return new ProduceRequestView(produce.Acks, produce.TimeoutMs, produce.TransactionalId, topics);
    }

    /// <exception cref="KafkaProtocolException">The body is malformed.</exception>
    public static CreateTopicsRequestView ReadCreateTopics(in ReadOnlySequence<byte> body, short version)
    {
        var create = MessageModels.Read<CreateTopicsRequest>(body, version, "CreateTopics");
        var topics = create.Topics
            .Select(t => new CreateTopicView(
                t.Name,
                t.NumPartitions,
                t.ReplicationFactor,
                [.. t.Assignments.Select(a => new ReplicaAssignmentView(a.PartitionIndex, [.. a.BrokerIds]))],
                [.. t.Configs.Select(c => KeyValuePair.Create(c.Name, c.Value))]))
            .ToArray();
        return new CreateTopicsRequestView(topics, create.TimeoutMs, create.ValidateOnly);
    }


    /// <summary>The headers of the whole batches in <paramref name="records"/>, a slice of <paramref name="body"/>, with their offsets in it.</summary>
    internal static RecordBatchView[] ReadBatches(in ReadOnlySequence<byte> body, ReadOnlySequence<byte>? records, short apiKey, short version, out bool endsWithPartialBatch)
    {
        endsWithPartialBatch = false;
        if (records is not { IsEmpty: false } bytes)
        {
            return [];
        }

        var batches = new List<RecordBatchView>();
        var walk = new RecordBatchReader(bytes, apiKey, version);
        while (walk.TryReadNext(out var header, out var batch))
        {
            batches.Add(new RecordBatchView(header, body.Slice(body.Start, batch.Start).Length));
        }

        endsWithPartialBatch = walk.EndsWithPartialBatch;
        return [.. batches];
    }
}
