using System.Buffers;
using KafkaProxy.Protocol.Messages.CreateTopics;
using KafkaProxy.Protocol.Messages.Produce;
using KafkaProxy.Protocol.Messages.Records;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Filters.Policies;

/// <summary>
/// Refuses what breaks a policy before it reaches a broker: a Produce gets POLICY_VIOLATION for each of its partitions
/// (one with acks=0, which has no response, closes the connection), a CreateTopics gets it for its topics. Nothing that
/// breaks a policy is forwarded. Built in, and written with the filter API as any user filter would be.
/// </summary>
internal sealed class PolicyFilter(PolicyOptions options) : IKafkaRequestFilter
{
    private const short PolicyViolation = 44;
    private readonly ProducePolicy _produce = new(options);
    private readonly CreateTopicsPolicy _createTopics = new(options);

    public string Name => "policies";

    public bool WantsRequest(short apiKey, short apiVersion) =>
        (apiKey == ProduceRequest.MessageApiKey && options.ChecksProduce) || (apiKey == CreateTopicsRequest.MessageApiKey && options.ChecksCreateTopics);

    public ValueTask OnRequestAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        if (request.ApiKey == ProduceRequest.MessageApiKey)
        {
            CheckProduce(request);
        }
        else
        {
            CheckCreateTopics(request);
        }

        return ValueTask.CompletedTask;
    }

    private void CheckProduce(KafkaRequest request)
    {
        short version = request.ApiVersion;
        var reader = new KafkaReader(request.Body, request.ApiKey, version);
        var produce = ProduceRequest.Read(ref reader, version);
        string? violation = _produce.CheckAcks(produce.Acks);
        foreach (var topic in produce.TopicData)
        {
            // v13 names topics by id (KIP-516): a name rule cannot be checked, so it refuses.
            violation ??= _produce.CheckTopic(version >= 13 ? null : topic.Name);
            foreach (var partition in topic.PartitionData)
            {
                violation ??= CheckRecords(partition.Records, version);
            }
        }

        if (violation is null)
        {
            return;
        }

        if (!request.ExpectsResponse)
        {
            // acks=0: the client waits for no answer, so the only refusal it can notice is the closed connection.
            request.Close($"a Produce with acks=0 broke {violation}");
            return;
        }

        var response = new ProduceResponse();
        foreach (var topic in produce.TopicData)
        {
            var refused = new ProduceResponseTopic { Name = topic.Name, TopicId = topic.TopicId };
            foreach (var partition in topic.PartitionData)
            {
                refused.PartitionResponses.Add(new ProduceResponsePartition
                {
                    Index = partition.Index, ErrorCode = PolicyViolation, BaseOffset = -1, LogAppendTimeMs = -1, LogStartOffset = -1, ErrorMessage = violation,
                });
            }

            response.Responses.Add(refused);
        }

        request.Refuse(Encode(w => response.Write(w, version), response.Size(version)), violation);
    }

    private string? CheckRecords(ReadOnlySequence<byte>? records, short version)
    {
        if (records is not { } bytes)
        {
            return null;
        }

        var batches = new RecordBatchReader(bytes, ProduceRequest.MessageApiKey, version);
        while (batches.TryReadNext(out var batch))
        {
            if (_produce.CheckBatch(batch.SizeInBytes, (byte)batch.Magic, (int)batch.Compression, batch.ProducerId) is { } violation)
            {
                return violation;
            }
        }

        return batches.EndsWithPartialBatch
            ? throw new KafkaProtocolException("a Produce request's records end inside a record batch", ProduceRequest.MessageApiKey, version, batches.Consumed)
            : null;
    }

    private void CheckCreateTopics(KafkaRequest request)
    {
        short version = request.ApiVersion;
        var reader = new KafkaReader(request.Body, request.ApiKey, version);
        var create = CreateTopicsRequest.Read(ref reader, version);
        var violations = create.Topics
            .Select(t => _createTopics.Check(t.Name, t.NumPartitions, t.ReplicationFactor, [.. t.Assignments.Select(a => a.BrokerIds.Count)]))
            .ToList();
        if (violations.All(v => v is null))
        {
            return;
        }

        // One request is forwarded whole or not at all: topics that pass are refused too, saying why.
        string first = violations.First(v => v is not null)!;
        var response = new CreateTopicsResponse();
        for (int i = 0; i < create.Topics.Count; i++)
        {
            response.Topics.Add(new CreateTopicsResponseTopic
            {
                Name = create.Topics[i].Name,
                ErrorCode = PolicyViolation,
                ErrorMessage = violations[i] ?? $"not created: another topic of the same request broke {first}",
                NumPartitions = -1,
                ReplicationFactor = -1,
                Configs = null,
            });
        }

        request.Refuse(Encode(w => response.Write(w, version), response.Size(version)), first);
    }

    private static byte[] Encode(Action<IBufferWriter<byte>> write, int size)
    {
        var writer = new ArrayBufferWriter<byte>(size);
        write(writer);
        return writer.WrittenSpan.ToArray();
    }
}
