namespace KafkaProxy.Core.Chaos.Kafka;

// The Kafka-level toxics of our own, beside Toxiproxy's network ones. Docs: docs/testing.md.

/// <summary><c>kafka_error</c>: the proxy answers requests of <see cref="ApiKey"/> with <see cref="ErrorCode"/> on every topic and partition; the broker never sees them.</summary>
internal sealed class KafkaErrorToxic(short apiKey, short errorCode, KafkaToxicScope scope) : KafkaToxic(scope)
{
    public short ApiKey { get; } = apiKey;

    public short ErrorCode { get; } = errorCode;
}

/// <summary><c>kafka_leader_storm</c>: Produce and Fetch naming the topic get NOT_LEADER_OR_FOLLOWER (6) while the window lasts, as in a run of leader elections.</summary>
internal sealed class LeaderStormToxic(KafkaToxicScope scope) : KafkaToxic(scope)
{
    public const short NotLeaderOrFollower = 6;
}

/// <summary><c>kafka_duplicate</c>: a Produce naming the topic reaches the broker twice (a producer without idempotence then writes its records twice).</summary>
internal sealed class DuplicateToxic(KafkaToxicScope scope) : KafkaToxic(scope);

/// <summary><c>kafka_corrupt</c>: a byte in the records of each Fetch response batch of the topic is flipped, so that the client's CRC check fails.</summary>
internal sealed class CorruptToxic(KafkaToxicScope scope) : KafkaToxic(scope);

/// <summary><c>kafka_throttle</c>: responses to the client id's Produce and Fetch requests wait <see cref="ThrottleMs"/> and carry it as <c>throttle_time_ms</c>, as a broker enforcing a quota does.</summary>
internal sealed class ThrottleToxic(long throttleMs, KafkaToxicScope scope) : KafkaToxic(scope)
{
    public long ThrottleMs { get; } = throttleMs;
}

/// <summary><c>kafka_schema_id</c>: record values of the topic in the schema registry's wire format come to consumers with <see cref="SchemaId"/> in place of theirs (uncompressed batches).</summary>
internal sealed class SchemaIdToxic(int schemaId, KafkaToxicScope scope) : KafkaToxic(scope)
{
    public int SchemaId { get; } = schemaId;
}
