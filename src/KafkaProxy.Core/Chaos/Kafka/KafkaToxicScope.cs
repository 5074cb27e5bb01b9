namespace KafkaProxy.Core.Chaos.Kafka;

/// <summary>
/// What a Kafka toxic acts on, from the attributes every Kafka toxic reads: <c>topic</c> and <c>partition</c> (the
/// requests that name them; all when absent), <c>client_id</c>, <c>count</c> (how many requests, across connections; 0
/// for no limit) and <c>duration_ms</c> (for how long from when it is added; 0 for no limit).
/// </summary>
internal sealed record KafkaToxicScope(string? Topic, int Partition, string? ClientId, long Count, long DurationMs)
{
    /// <summary>Reads the common attributes.</summary>
    /// <exception cref="ChaosRequestException">An attribute is wrong; the message names it.</exception>
    public static KafkaToxicScope Read(ToxicAttributes attributes, bool topicRequired = false, long defaultDurationMs = 0)
    {
        string? topic = attributes.Text("topic");
        if (topicRequired && string.IsNullOrEmpty(topic))
        {
            throw ChaosRequestException.Field("attributes.topic", "missing: this toxic acts on one topic");
        }

        return new KafkaToxicScope(
            string.IsNullOrEmpty(topic) ? null : topic,
            (int)attributes.Integer("partition", -1, -1, int.MaxValue),
            attributes.Text("client_id") is { Length: > 0 } clientId ? clientId : null,
            attributes.Integer("count", 0, 0, long.MaxValue),
            attributes.Integer("duration_ms", defaultDurationMs, 0, long.MaxValue));
    }

    /// <summary>Whether a request of <paramref name="clientId"/> naming <paramref name="partitions"/> (topic, partition) is in scope.</summary>
    public bool Covers(string? clientId, IEnumerable<(string? Topic, int Partition)> partitions) =>
        (ClientId is null || ClientId == clientId)
        && (Topic is null || partitions.Any(p => p.Topic == Topic && (Partition < 0 || p.Partition == Partition)));
}
