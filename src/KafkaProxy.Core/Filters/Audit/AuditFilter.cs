using System.Net;
using System.Runtime.CompilerServices;
using KafkaProxy.Protocol.Messages.CreateTopics;
using KafkaProxy.Protocol.Messages.Fetch;
using KafkaProxy.Protocol.Messages.Metadata;
using KafkaProxy.Protocol.Messages.Produce;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Filters.Audit;

/// <summary>
/// Writes one audit line per request of the chosen api keys (<see cref="AuditOptions.ApiKeys"/>). The request's facts
/// are taken when it passes (it runs first of all filters, so it sees what the client sent, also what a policy then
/// refuses) and kept per connection; the line is completed and queued when the response passes, whoever answered, or at
/// once for a request without a response (Produce with acks=0). Built in, and written with the filter API as any user
/// filter would be.
/// </summary>
/// <remarks>
/// Topics and partitions: Produce and CreateTopics from the request, Fetch and Metadata from the response (a Fetch
/// request in a fetch session may list no partition at all; its response names what was fetched); v13+ of Produce and
/// Fetch name topics by id, which is written then. The result is the first non-zero error code of the response (top
/// level, topic, then partition, in message order), else 0. Other api keys get lines without topics or result.
/// </remarks>
internal sealed class AuditFilter(AuditOptions options, AuditSink sink) : IKafkaRequestFilter, IKafkaResponseFilter, IConnectionClosedObserver
{
    private const int SizePrefix = 4;

    // Per connection: KafkaConnectionInfo.Items is one dictionary that other filters may write on the request side
    // while the response side reads it, so this filter keeps its own table, which is safe from both.
    private readonly ConditionalWeakTable<KafkaConnectionInfo, ConnectionAudit> _connections = [];
    private readonly bool[] _audited = Table(options.ApiKeys);

    public string Name => "audit";

    public bool WantsRequest(short apiKey, short apiVersion) => (uint)apiKey < (uint)_audited.Length && _audited[apiKey];

    public bool WantsResponse(short apiKey, short apiVersion) => WantsRequest(apiKey, apiVersion);

    public ValueTask OnRequestAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var connection = _connections.GetValue(request.Connection, static info => new ConnectionAudit(info));
        var record = NewRecord(connection, request.Connection, request.ClientId, request.ApiKey, request.ApiVersion, request.CorrelationId, SizePrefix + request.HeaderBytes.Length + request.Body.Length);
        record.Topics = RequestTopics(request);

        if (request.ExpectsResponse)
        {
            connection.Add(record);
        }
        else
        {
            sink.Write(record);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The connection ended: each request still awaiting its response gets its line now, with the reason (what a filter
    /// or the api-key gate refused, a bad frame, the client leaving with requests in flight), instead of no line.
    /// </summary>
    public void OnConnectionClosed(KafkaConnectionInfo connection, string? reason)
    {
        if (!_connections.TryGetValue(connection, out var audit))
        {
            return;
        }

        _connections.Remove(connection);
        foreach (var record in audit.TakeAll())
        {
            record.Closed = reason ?? "the connection closed before the response";
            sink.Write(record);
        }
    }

    public ValueTask OnResponseAsync(KafkaResponse response, CancellationToken cancellationToken)
    {
        var connection = _connections.GetValue(response.Connection, static info => new ConnectionAudit(info));
        var passedOver = connection.TakeUntil(response.CorrelationId, out var record);
        foreach (var unanswered in passedOver ?? [])
        {
            // Requests of one connection are answered in order: one passed over had no response this filter saw.
            sink.Write(unanswered);
        }

        // A response to a request this filter did not see (none is expected): its line says what is known.
        record ??= NewRecord(connection, response.Connection, clientId: null, response.ApiKey, response.ApiVersion, response.CorrelationId, requestBytes: null);

        record.ResponseBytes = SizePrefix + response.HeaderBytes.Length + response.Body.Length;
        record.AnsweredByProxy = response.AnsweredByProxy;
        record.DurationMs = sink.Time.GetElapsedTime(record.StartTimestamp).TotalMilliseconds;
        ReadResponse(response, record);
        sink.Write(record);
        return ValueTask.CompletedTask;
    }

    // The topics the request names, from the decoded views the other filters share (one decode per request).
    // A record of the request seen now on this connection.
    private AuditRecord NewRecord(ConnectionAudit connection, KafkaConnectionInfo info, string? clientId, short apiKey, short apiVersion, int correlationId, long? requestBytes) => new()
    {
        Time = sink.Time.GetUtcNow(),
        StartTimestamp = sink.Time.GetTimestamp(),
        ConnectionId = info.Id,
        Client = connection.Client,
        Listener = connection.Listener,
        Broker = connection.Broker,
        Principal = info.Principal,
        ClientId = clientId,
        ApiKey = apiKey,
        ApiVersion = apiVersion,
        CorrelationId = correlationId,
        RequestBytes = requestBytes,
    };

    private static List<AuditTopic>? RequestTopics(KafkaRequest request)
    {
        try
        {
            return request.ApiKey switch
            {
                ProduceRequest.MessageApiKey => [.. request.ReadProduce().Topics.Select(t => Topic(t.Name, t.TopicId, t.Partitions.Select(p => p.Index)))],
                CreateTopicsRequest.MessageApiKey => [.. request.ReadCreateTopics().Topics.Select(t => Topic(t.Name, null, t.Assignments.Select(a => a.PartitionIndex)))],
                _ => null,
            };
        }
        catch (Exception ex) when (ex is KafkaProtocolException or NotSupportedException)
        {
            // Malformed, or newer than the proxy decodes: the line says what else is known rather than closing the connection.
            return null;
        }
    }

    // Fills the result, and the topics where the response names them (Fetch, Metadata); other keys keep what the request gave.
    private static void ReadResponse(KafkaResponse response, AuditRecord record)
    {
        short version = response.ApiVersion;
        try
        {
            switch (response.ApiKey)
            {
                case ProduceResponse.MessageApiKey when Supported(version, ProduceResponse.LowestSupportedVersion, ProduceResponse.HighestSupportedVersion):
                {
                    var reader = new KafkaReader(response.Body, response.ApiKey, version);
                    var produce = ProduceResponse.Read(ref reader, version);
                    record.Result = FirstError(produce.Responses.SelectMany(t => t.PartitionResponses.Select(p => p.ErrorCode)));
                    break;
                }

                case FetchResponse.MessageApiKey when Supported(version, FetchResponse.LowestSupportedVersion, FetchResponse.HighestSupportedVersion):
                {
                    var reader = new KafkaReader(response.Body, response.ApiKey, version);
                    var fetch = FetchResponse.Read(ref reader, version);
                    record.Topics = [.. fetch.Responses.Select(t => Topic(version >= 13 ? null : t.Topic, version >= 13 ? t.TopicId : null, t.Partitions.Select(p => p.PartitionIndex)))];
                    record.Result = FirstError([fetch.ErrorCode, .. fetch.Responses.SelectMany(t => t.Partitions.Select(p => p.ErrorCode))]);
                    break;
                }

                case MetadataResponse.MessageApiKey when Supported(version, MetadataResponse.LowestSupportedVersion, MetadataResponse.HighestSupportedVersion):
                {
                    var reader = new KafkaReader(response.Body, response.ApiKey, version);
                    var metadata = MetadataResponse.Read(ref reader, version);
                    record.Topics = [.. metadata.Topics.Select(t => Topic(t.Name, t.TopicId == Guid.Empty ? null : t.TopicId, t.Partitions.Select(p => p.PartitionIndex)))];
                    record.Result = FirstError([metadata.ErrorCode, .. metadata.Topics.SelectMany(t => t.Partitions.Select(p => p.ErrorCode).Prepend(t.ErrorCode))]);
                    break;
                }

                case CreateTopicsResponse.MessageApiKey when Supported(version, CreateTopicsResponse.LowestSupportedVersion, CreateTopicsResponse.HighestSupportedVersion):
                {
                    var reader = new KafkaReader(response.Body, response.ApiKey, version);
                    var create = CreateTopicsResponse.Read(ref reader, version);
                    record.Result = FirstError(create.Topics.Select(t => t.ErrorCode));
                    break;
                }
            }
        }
        catch (KafkaProtocolException)
        {
            // Left without a result: auditing never closes a connection over a response it cannot read.
        }
    }

    private static bool Supported(short version, short lowest, short highest) => version >= lowest && version <= highest;

    private static AuditTopic Topic(string? name, Guid? id, IEnumerable<int> partitions) => new(name, id, [.. partitions]);

    private static short FirstError(IEnumerable<short> codes)
    {
        foreach (short code in codes)
        {
            if (code != 0)
            {
                return code;
            }
        }

        return 0;
    }

    private static bool[] Table(IEnumerable<short> apiKeys)
    {
        var table = new bool[apiKeys.DefaultIfEmpty((short)-1).Max() + 1];
        foreach (short key in apiKeys)
        {
            table[key] = true;
        }

        return table;
    }

    /// <summary>One connection's requests awaiting their responses, in order; the request and response sides both touch it.</summary>
    private sealed class ConnectionAudit(KafkaConnectionInfo info)
    {
        private readonly Lock _lock = new();
        private readonly Queue<AuditRecord> _pending = new();

        public string? Client { get; } = Text(info.ClientAddress);

        public string? Listener { get; } = Text(info.Listener);

        public string Broker { get; } = info.Broker.ToString();

        public void Add(AuditRecord record)
        {
            lock (_lock)
            {
                _pending.Enqueue(record);
            }
        }

        /// <summary>Takes every record still waiting, in request order.</summary>
        public List<AuditRecord> TakeAll()
        {
            lock (_lock)
            {
                var all = _pending.ToList();
                _pending.Clear();
                return all;
            }
        }

        /// <summary>Takes the record of <paramref name="correlationId"/> (null when none waits) and returns those before it, or null.</summary>
        public List<AuditRecord>? TakeUntil(int correlationId, out AuditRecord? found)
        {
            List<AuditRecord>? passed = null;
            found = null;
            lock (_lock)
            {
                if (_pending.TryPeek(out var head) && head.CorrelationId != correlationId && !_pending.Any(r => r.CorrelationId == correlationId))
                {
                    return null;
                }

                while (_pending.TryDequeue(out var next))
                {
                    if (next.CorrelationId == correlationId)
                    {
                        found = next;
                        break;
                    }

                    (passed ??= []).Add(next);
                }
            }

            return passed;
        }

        private static string? Text(EndPoint? endPoint) => endPoint?.ToString();
    }
}
