using System.Collections.Frozen;
using KafkaProxy.Core.Chaos.Kafka;

namespace KafkaProxy.Core.Chaos;

/// <summary>
/// Every toxic type, by the name the API uses, with the factory that reads and checks its attributes. Toxiproxy's
/// network toxics keep its attribute names and units (milliseconds unless said); Kafka-level toxics are added here too,
/// each with a behaviour that the filter applying it reads (see docs/testing.md).
/// </summary>
internal static class ToxicTypes
{
    private static readonly FrozenDictionary<string, Func<ToxicAttributes, ToxicBehavior>> Factories = new Dictionary<string, Func<ToxicAttributes, ToxicBehavior>>(StringComparer.Ordinal)
    {
        ["latency"] = a => new LatencyToxic(a.Integer("latency", 0), a.Integer("jitter", 0)),
        ["bandwidth"] = a => new BandwidthToxic(a.Integer("rate", 0)),
        ["slow_close"] = a => new SlowCloseToxic(a.Integer("delay", 0)),
        ["timeout"] = a => new TimeoutToxic(a.Integer("timeout", 0)),
        ["reset_peer"] = a => new ResetPeerToxic(a.Integer("timeout", 0)),
        ["slicer"] = a => Slicer(a.Integer("average_size", 0), a.Integer("size_variation", 0), a.Integer("delay", 0)),
        ["limit_data"] = a => new LimitDataToxic(a.Integer("bytes", 0, 0, long.MaxValue)),
        ["kafka_error"] = KafkaError,
        ["kafka_leader_storm"] = a => new LeaderStormToxic(KafkaToxicScope.Read(a, topicRequired: true, defaultDurationMs: 10_000)),
        ["kafka_duplicate"] = a => new DuplicateToxic(KafkaToxicScope.Read(a)),
        ["kafka_corrupt"] = a => new CorruptToxic(KafkaToxicScope.Read(a)),
        ["kafka_throttle"] = a => new ThrottleToxic(a.RequiredInteger("throttle_ms", 1, int.MaxValue), KafkaToxicScope.Read(a)),
        ["kafka_schema_id"] = a => new SchemaIdToxic((int)a.RequiredInteger("schema_id", int.MinValue, int.MaxValue), KafkaToxicScope.Read(a)),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The names of every type, for messages.</summary>
    public static IEnumerable<string> Names => Factories.Keys.Order(StringComparer.Ordinal);

    /// <summary>Makes the behaviour of a toxic of <paramref name="type"/> from its attributes.</summary>
    /// <exception cref="ChaosRequestException">The type is unknown, or an attribute is wrong (the message names it).</exception>
    public static ToxicBehavior Create(string type, ToxicAttributes attributes)
    {
        if (!Factories.TryGetValue(type, out var factory))
        {
            throw ChaosRequestException.Field("type", $"'{type}' is not a toxic type; the types are {string.Join(", ", Names)}");
        }

        return factory(attributes);
    }

    private static KafkaErrorToxic KafkaError(ToxicAttributes attributes)
    {
        long apiKey = attributes.RequiredInteger("api_key", 0, short.MaxValue);
        if (!KafkaChaosFilter.ErrorApiKeys.Contains((short)apiKey))
        {
            throw ChaosRequestException.Field("attributes.api_key", $"{apiKey} is not an api key the proxy answers with errors; it answers {string.Join(", ", KafkaChaosFilter.ErrorApiKeys.Select(k => k switch { 0 => "0 (Produce)", 1 => "1 (Fetch)", _ => "19 (CreateTopics)" }))}");
        }

        long errorCode = attributes.RequiredInteger("error_code", -1, short.MaxValue);
        return new KafkaErrorToxic((short)apiKey, (short)errorCode, KafkaToxicScope.Read(attributes));
    }

    private static SlicerToxic Slicer(long averageSize, long sizeVariation, long delay)
    {
        if (averageSize < 1)
        {
            throw ChaosRequestException.Field("attributes.average_size", $"{averageSize} is too small: slices are at least 1 byte");
        }

        if (sizeVariation >= averageSize)
        {
            throw ChaosRequestException.Field("attributes.size_variation", $"{sizeVariation} must be less than average_size ({averageSize})");
        }

        return new SlicerToxic(averageSize, sizeVariation, delay);
    }
}
