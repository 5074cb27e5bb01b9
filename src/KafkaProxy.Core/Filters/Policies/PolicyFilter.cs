namespace KafkaProxy.Core.Filters.Policies;

/// <summary>
/// Refuses what breaks a policy before it reaches a broker: a Produce gets POLICY_VIOLATION for each of its partitions
/// (one with acks=0, which has no response, closes the connection), a CreateTopics gets it for its topics. Nothing that
/// breaks a policy is forwarded. Built in, and written with the filter API as any user filter would be.
/// </summary>
internal sealed class PolicyFilter(PolicyOptions options) : IKafkaRequestFilter
{
    private const short ProduceKey = 0;
    private const short CreateTopicsKey = 19;
    private readonly ProducePolicy _produce = new(options);
    private readonly CreateTopicsPolicy _createTopics = new(options);

    public string Name => "policies";

    public bool WantsRequest(short apiKey, short apiVersion) =>
        (apiKey == ProduceKey && options.ChecksProduce) || (apiKey == CreateTopicsKey && options.ChecksCreateTopics);

    public ValueTask OnRequestAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        if (request.ApiKey == ProduceKey)
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
        var produce = ProduceRequestFacts.Read(request.Body, request.ApiVersion);
        string? violation = _produce.CheckAcks(produce.Acks);
        foreach (var topic in produce.Topics)
        {
            violation ??= _produce.CheckTopic(topic.Name);
            foreach (var batch in topic.Partitions.SelectMany(p => p.Batches))
            {
                violation ??= _produce.CheckBatch(batch.Size, batch.Magic, batch.CompressionCodec, batch.ProducerId);
            }
        }

        if (violation is null)
        {
            return;
        }

        if (request.ExpectsResponse)
        {
            request.Refuse(PolicyResponses.Produce(produce, request.ApiVersion, violation), violation);
        }
        else
        {
            // acks=0: the client waits for no answer, so the only refusal it can notice is the closed connection.
            request.Close($"a Produce with acks=0 broke {violation}");
        }
    }

    private void CheckCreateTopics(KafkaRequest request)
    {
        var create = CreateTopicsRequestFacts.Read(request.Body, request.ApiVersion);
        var violations = create.Topics.Select(t => _createTopics.Check(t.Name, t.Partitions, t.ReplicationFactor, t.Assignments)).ToList();
        if (violations.All(v => v is null))
        {
            return;
        }

        // One request is forwarded whole or not at all: topics that pass are refused too, saying why.
        string first = violations.First(v => v is not null)!;
        var messages = violations.Select(v => v ?? $"not created: another topic of the same request broke {first}").ToList();
        request.Refuse(PolicyResponses.CreateTopics(create, request.ApiVersion, messages), first);
    }
}
