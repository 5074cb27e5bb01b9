namespace KafkaProxy.Core.Filters.Policies;

/// <summary>
/// Refuses what breaks a policy before it reaches a broker: a Produce gets POLICY_VIOLATION for each of its partitions
/// (one with acks=0, which has no response, closes the connection), a CreateTopics gets it for its topics. Nothing that
/// breaks a policy is forwarded. Built in, and written with the public decoded tier (<see cref="KafkaRequest.ReadProduce"/>,
/// <see cref="KafkaRequest.RefuseWithError(short, string)"/>) as any user filter would be.
/// </summary>
internal sealed class PolicyFilter(PolicyOptions options) : IKafkaRequestFilter
{
    private const short Produce = 0;
    private const short CreateTopics = 19;
    private const short PolicyViolation = 44;
    private readonly ProducePolicy _produce = new(options);
    private readonly CreateTopicsPolicy _createTopics = new(options);

    public string Name => "policies";

    public bool WantsRequest(short apiKey, short apiVersion) =>
        (apiKey == Produce && options.ChecksProduce) || (apiKey == CreateTopics && options.ChecksCreateTopics);

    public ValueTask OnRequestAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        if (request.ApiKey == Produce)
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
        var produce = request.ReadProduce();
        string? violation = _produce.CheckAcks(produce.Acks);
        foreach (var topic in produce.Topics)
        {
            // v13 names topics by id (KIP-516): a name rule cannot be checked, so it refuses.
            violation ??= _produce.CheckTopic(topic.Name);
            foreach (var batch in topic.Partitions.SelectMany(p => p.Batches))
            {
                violation ??= _produce.CheckBatch(batch.SizeInBytes, batch.Magic, (int)batch.Compression, batch.ProducerId);
            }
        }

        if (violation is not null)
        {
            request.RefuseWithError(PolicyViolation, violation);
        }
    }

    private void CheckCreateTopics(KafkaRequest request)
    {
        var create = request.ReadCreateTopics();
        var violations = create.Topics
            .Select(t => _createTopics.Check(t.Name, t.Partitions, t.ReplicationFactor, [.. t.Assignments.Select(a => a.BrokerIds.Count)]))
            .ToList();
        if (violations.Find(v => v is not null) is { } first)
        {
            // One request is forwarded whole or not at all: topics that pass are refused too, saying why.
            request.RefuseWithError(PolicyViolation, first, t => violations[t] ?? $"not created: another topic of the same request broke {first}");
        }
    }
}
