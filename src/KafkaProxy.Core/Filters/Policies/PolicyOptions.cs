using System.Text.RegularExpressions;

namespace KafkaProxy.Core.Filters.Policies;

/// <summary>
/// What the proxy refuses before it reaches the brokers (configuration <c>KafkaProxy:Policies</c>, flags
/// <c>--policy-*</c>). Each rule is off until set. A Produce that breaks one is answered with POLICY_VIOLATION (44) for
/// each of its partitions; a CreateTopics gets 44 for each topic that breaks one.
/// </summary>
internal sealed class PolicyOptions
{
    /// <summary>The fewest acknowledgements a Produce may ask for: -1 (all in-sync replicas) or 1 (the leader); null: any.</summary>
    public short? RequireAcks { get; set; }

    /// <summary>The largest record batch a Produce may carry, in bytes; null: any size up to the frame limit.</summary>
    public int? MaxRecordBatchBytes { get; set; }

    /// <summary>Record batches must come from an idempotent producer (a producer id).</summary>
    public bool RequireIdempotence { get; set; }

    /// <summary>The compression codecs record batches may use (none, gzip, snappy, lz4, zstd); empty: any.</summary>
    public ISet<string> AllowedCompression { get; } = new SortedSet<string>(StringComparer.Ordinal);

    /// <summary>The smallest replication factor a new topic may have; null: any.</summary>
    public short? CreateTopicsMinReplicationFactor { get; set; }

    /// <summary>The most partitions a new topic may have; null: any.</summary>
    public int? CreateTopicsMaxPartitions { get; set; }

    /// <summary>A regular expression every topic name that is produced to or created must match whole; null: any name.</summary>
    public string? TopicNamePattern { get; set; }

    /// <summary>The codecs by their number in a record batch's attributes.</summary>
    public static readonly string[] CompressionCodecs = ["none", "gzip", "snappy", "lz4", "zstd"];

    public bool ChecksProduce => RequireAcks is not null || MaxRecordBatchBytes is not null || RequireIdempotence || AllowedCompression.Count > 0 || TopicNamePattern is not null;

    public bool ChecksCreateTopics => CreateTopicsMinReplicationFactor is not null || CreateTopicsMaxPartitions is not null || TopicNamePattern is not null;

    /// <summary>The topic name pattern compiled to match whole names, or null.</summary>
    public Regex? CompileTopicNamePattern() =>
        TopicNamePattern is null ? null : new Regex($"^(?:{TopicNamePattern})$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
}
