using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using KafkaProxy.Core.Filters;
using KafkaProxy.Core.Filters.BuiltIn;
using KafkaProxy.Protocol.Messages.Fetch;
using KafkaProxy.Protocol.Messages.Produce;

namespace KafkaProxy.Core.Chaos.Kafka;

/// <summary>
/// Applies the Kafka-level toxics (<see cref="KafkaToxic"/>) of each connection's chaos proxy, as a filter of the same
/// API users write: errors, leader storms and duplicates on Produce and Fetch requests (and CreateTopics errors); corrupt
/// records, schema ids and throttling on their responses. It wants those frames only while chaos is on (an engine with
/// <c>AddChaos</c>); a connection whose proxy has no Kafka toxic costs a lookup per frame. Topic ids (Fetch v13+,
/// Produce v13) are named from the Metadata responses it sees.
/// </summary>
internal sealed class KafkaChaosFilter(ChaosProxies proxies, TimeProvider time) : IKafkaRequestFilter, IKafkaResponseFilter, IBuiltInFilter
{
    private const short Produce = 0;
    private const short Fetch = 1;
    private const short Metadata = 3;
    private const short CreateTopics = 19;
    private const string ClientIdItem = "kafkaproxy.chaos.client-id";

    private readonly ConcurrentDictionary<Guid, string> _topicNames = new();

    public string Name => "chaos";

    /// <summary>The api keys <c>kafka_error</c> can answer for, with the error layout of each.</summary>
    public static IReadOnlyList<short> ErrorApiKeys { get; } = [Produce, Fetch, CreateTopics];

    public bool WantsRequest(short apiKey, short apiVersion) => apiKey switch
    {
        Produce => apiVersion <= ProduceRequest.HighestSupportedVersion,
        Fetch => apiVersion <= FetchRequest.HighestSupportedVersion,
        CreateTopics => apiVersion <= 7,
        _ => false,
    };

    public bool WantsResponse(short apiKey, short apiVersion) => apiKey switch
    {
        Produce => apiVersion <= ProduceResponse.HighestSupportedVersion,
        Fetch => apiVersion <= FetchResponse.HighestSupportedVersion,
        Metadata => apiVersion is >= 10 and <= 13, // the versions with topic ids
        _ => false,
    };

    public ValueTask OnRequestAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        if (!proxies.TryGetConnection(request.Connection.Id, out var connection))
        {
            return ValueTask.CompletedTask;
        }

        if (request.ClientId is { } clientId)
        {
            request.Connection.Items[ClientIdItem] = clientId; // for the responses (throttling)
        }

        IReadOnlyList<(string? Topic, int Partition)>? partitions = null;
        foreach (var state in connection.Firing<KafkaToxic>())
        {
            var toxic = (KafkaToxic)state.Toxic.Behavior;
            bool applies = toxic switch
            {
                KafkaErrorToxic error => error.ApiKey == request.ApiKey,
                LeaderStormToxic => request.ApiKey is Produce or Fetch,
                DuplicateToxic => request.ApiKey == Produce && request.ExpectsResponse,
                _ => false,
            };
            if (!applies || !toxic.Scope.Covers(request.ClientId, partitions ??= Partitions(request)) || !toxic.TryFire())
            {
                continue;
            }

            string reason = $"chaos toxic '{state.Toxic.Name}' ({state.Toxic.Type}) on proxy '{connection.Proxy.Name}'";
            switch (toxic)
            {
                case KafkaErrorToxic error:
                    request.RefuseWithError(error.ErrorCode, reason);
                    return ValueTask.CompletedTask;
                case LeaderStormToxic:
                    request.RefuseWithError(LeaderStormToxic.NotLeaderOrFollower, reason);
                    return ValueTask.CompletedTask;
                default:
                    return DuplicateAsync(request);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask OnResponseAsync(KafkaResponse response, CancellationToken cancellationToken)
    {
        if (response.ApiKey == Metadata)
        {
            foreach (var topic in response.ReadMetadata().Topics)
            {
                if (topic is { TopicId: { } id, Name: { } name } && id != Guid.Empty)
                {
                    _topicNames[id] = name;
                }
            }

            return ValueTask.CompletedTask;
        }

        if (!proxies.TryGetConnection(response.Connection.Id, out var connection))
        {
            return ValueTask.CompletedTask;
        }

        string? clientId = response.Connection.Items.TryGetValue(ClientIdItem, out var item) ? item as string : null;
        long throttleMs = 0;
        List<(KafkaToxic Toxic, RecordFault Fault)>? recordFaults = null;
        foreach (var state in connection.Firing<KafkaToxic>())
        {
            switch (state.Toxic.Behavior)
            {
                case ThrottleToxic throttle when response.ApiKey is Produce or Fetch && (throttle.Scope.ClientId is null || throttle.Scope.ClientId == clientId):
                    if (throttle.TryFire())
                    {
                        throttleMs = Math.Max(throttleMs, throttle.ThrottleMs);
                    }

                    break;
                case CorruptToxic corrupt when response.ApiKey == Fetch:
                    (recordFaults ??= []).Add((corrupt, RecordFault.Corrupt));
                    break;
                case SchemaIdToxic schema when response.ApiKey == Fetch:
                    (recordFaults ??= []).Add((schema, RecordFault.SchemaId));
                    break;
            }
        }

        if (throttleMs > 0)
        {
            SetThrottleTime(response, (int)Math.Min(throttleMs, int.MaxValue));
        }

        if (recordFaults is not null)
        {
            EditRecords(response, recordFaults, clientId);
        }

        // The response waits as a throttling broker's would; the filter runs without a deadline (the proxy's own).
        return throttleMs > 0 ? new ValueTask(Task.Delay(TimeSpan.FromMilliseconds(throttleMs), time, CancellationToken.None)) : ValueTask.CompletedTask;
    }

    // The duplicate goes first, as a request of the proxy's own; then the client's own request is forwarded as usual.
    private static async ValueTask DuplicateAsync(KafkaRequest request) =>
        await request.SendToBrokerAsync(request.ApiKey, request.ApiVersion, request.Body.ToArray(), CancellationToken.None).ConfigureAwait(false);

    // Topics and partitions a request names; partition -1 for a CreateTopics topic.
    private List<(string? Topic, int Partition)> Partitions(KafkaRequest request)
    {
        var partitions = new List<(string? Topic, int Partition)>();
        switch (request.ApiKey)
        {
            case Produce:
                foreach (var topic in request.ReadProduce().Topics)
                {
                    string? name = topic.Name ?? NameOf(topic.TopicId);
                    partitions.AddRange(topic.Partitions.Select(p => (name, p.Index)));
                }

                break;
            case Fetch:
                foreach (var topic in MessageModels.Read<FetchRequest>(request.Body, request.ApiVersion, "Fetch").Topics)
                {
                    string? name = request.ApiVersion >= 13 ? NameOf(topic.TopicId) : topic.Topic;
                    partitions.AddRange(topic.Partitions.Select(p => (name, p.Partition)));
                }

                break;
            default:
                partitions.AddRange(request.ReadCreateTopics().Topics.Select(t => ((string?)t.Name, -1)));
                break;
        }

        return partitions;
    }

    private string? NameOf(Guid? topicId) => topicId is { } id && _topicNames.TryGetValue(id, out var name) ? name : null;

    // throttle_time_ms: the first field of a Fetch response (v1+); a Produce response (v1+) has it after its topics.
    private static void SetThrottleTime(KafkaResponse response, int throttleMs)
    {
        if (response.ApiVersion < 1)
        {
            return;
        }

        if (response.ApiKey == Fetch)
        {
            Span<byte> value = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(value, throttleMs);
            response.Edit(0, 4, value);
            return;
        }

        var produce = MessageModels.Read<ProduceResponse>(response.Body, response.ApiVersion, "Produce");
        produce.ThrottleTimeMs = throttleMs;
        response.Replace(MessageModels.Encode(produce, response.ApiVersion));
    }

    // One edit per batch, in body order: the schema ids rewritten first, then a byte flipped.
    private void EditRecords(KafkaResponse response, List<(KafkaToxic Toxic, RecordFault Fault)> faults, string? clientId)
    {
        var body = response.Body;
        var fired = new HashSet<KafkaToxic>();
        foreach (var topic in response.ReadFetch().Topics)
        {
            string? name = topic.Name ?? NameOf(topic.TopicId);
            foreach (var partition in topic.Partitions)
            {
                var (corrupt, schema) = Acting(faults, clientId, name, partition.Index, fired);
                if (!corrupt && schema is null)
                {
                    continue;
                }

                foreach (var batch in partition.Batches.Where(RecordFaults.HasRecords))
                {
                    var bytes = body.Slice(batch.Offset, batch.SizeInBytes);
                    byte[]? changed = schema is { } id ? RecordFaults.WithSchemaId(bytes, id) : null;
                    if (corrupt)
                    {
                        changed ??= bytes.ToArray();
                        long at = RecordFaults.CorruptionOffset(batch) - batch.Offset;
                        changed[at] ^= 0xFF;
                    }

                    if (changed is not null)
                    {
                        response.Edit(batch.Offset, batch.SizeInBytes, changed);
                    }
                }
            }
        }
    }

    // Which faults act on one partition; a toxic's count is taken once per response.
    private static (bool Corrupt, int? SchemaId) Acting(List<(KafkaToxic Toxic, RecordFault Fault)> faults, string? clientId, string? topic, int partition, HashSet<KafkaToxic> fired)
    {
        bool corrupt = false;
        int? schemaId = null;
        foreach (var (toxic, fault) in faults)
        {
            if (!toxic.Scope.Covers(clientId, [(topic, partition)]) || (!fired.Contains(toxic) && !toxic.TryFire()))
            {
                continue;
            }

            fired.Add(toxic);
            if (fault == RecordFault.Corrupt)
            {
                corrupt = true;
            }
            else
            {
                schemaId = ((SchemaIdToxic)toxic).SchemaId;
            }
        }

        return (corrupt, schemaId);
    }

    private enum RecordFault
    {
        Corrupt,
        SchemaId,
    }
}
