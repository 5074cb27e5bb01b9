using KafkaProxy.Protocol.Messages.CreateTopics;
using KafkaProxy.Protocol.Messages.Produce;

namespace KafkaProxy.Core.Filters.Audit;

/// <summary>
/// The audit trail (configuration <c>KafkaProxy:Audit</c>, flags <c>--audit-*</c>): one JSON line per request of the
/// chosen api keys, to a file, to the <c>KafkaProxy.Audit</c> logger, or both. Off until a path is given or the logger
/// is turned on. Lines go through a bounded queue to one writer: when it falls behind, lines are dropped and counted
/// (<c>proxy_audit_dropped_total</c>), never is traffic held up.
/// </summary>
internal sealed class AuditOptions
{
    /// <summary>The api keys audited when none are configured: the writes (Produce) and topic creations (CreateTopics).</summary>
    public static readonly short[] DefaultApiKeys = [ProduceRequest.MessageApiKey, CreateTopicsRequest.MessageApiKey];

    /// <summary>The file audit lines are appended to; null: no file.</summary>
    public string? Path { get; set; }

    /// <summary>Audit lines are also logged at Information under the <c>KafkaProxy.Audit</c> category (event 1034).</summary>
    public bool Logger { get; set; }

    /// <summary>The api keys audited; <see cref="DefaultApiKeys"/> until configured.</summary>
    public ISet<short> ApiKeys { get; } = new SortedSet<short>(DefaultApiKeys);

    /// <summary>Audit lines waiting for the writer at most; more are dropped and counted.</summary>
    public int Capacity { get; set; } = 10_000;

    public bool Enabled => !string.IsNullOrEmpty(Path) || Logger;
}
