namespace KafkaProxy.Core.Filters.Audit;

/// <summary>
/// The facts of one audited request, gathered when the request passes and completed when its response does; the
/// writer turns it into a JSON line (<see cref="AuditLine"/>).
/// </summary>
internal sealed class AuditRecord
{
    /// <summary>When the proxy saw the request.</summary>
    public required DateTimeOffset Time { get; init; }

    public required long ConnectionId { get; init; }

    public required string? Client { get; init; }

    public required string? Listener { get; init; }

    public required string Broker { get; init; }

    public required string? Principal { get; init; }

    public required string? ClientId { get; init; }

    public required short ApiKey { get; init; }

    public required short ApiVersion { get; init; }

    public required int CorrelationId { get; init; }

    /// <summary>The request's size on the wire, size prefix included; null for a response whose request was not seen.</summary>
    public required long? RequestBytes { get; init; }

    /// <summary>The clock's timestamp when the request was seen, for the duration.</summary>
    public long StartTimestamp { get; init; }

    /// <summary>The topics and partitions the request or its response names; null when the message is not decoded.</summary>
    public IReadOnlyList<AuditTopic>? Topics { get; set; }

    /// <summary>The response's size on the wire as the client gets it; null without a response.</summary>
    public long? ResponseBytes { get; set; }

    /// <summary>The first non-zero error code of the response, else 0; null without a response or when it is not decoded.</summary>
    public short? Result { get; set; }

    /// <summary>True when the proxy answered the request itself (a policy refusal, say).</summary>
    public bool AnsweredByProxy { get; set; }

    /// <summary>Milliseconds from the request seen to its response seen; null without a response.</summary>
    public double? DurationMs { get; set; }

    /// <summary>Why the connection ended while the request awaited its response (the logged reason), or null.</summary>
    public string? Closed { get; set; }
}

/// <summary>A topic an audited request names: by name, or by id where the version names topics by id (KIP-516).</summary>
/// <param name="Name">The topic's name, or null.</param>
/// <param name="Id">The topic's id, or null.</param>
/// <param name="Partitions">The partition indexes named, in message order.</param>
internal sealed record AuditTopic(string? Name, Guid? Id, IReadOnlyList<int> Partitions);
