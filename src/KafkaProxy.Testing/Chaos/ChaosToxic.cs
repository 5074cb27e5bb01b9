using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using KafkaProxy.Core;
using KafkaProxy.Core.Chaos;

namespace KafkaProxy.Testing.Chaos;

/// <summary>
/// A toxic: a fault of a Toxiproxy <see cref="Type"/> with its attributes, acting one way (<see cref="Stream"/>) on the
/// connections of one broker, each connection with the probability <see cref="Toxicity"/>. Make one with a factory
/// (<see cref="Latency"/>, <see cref="Timeout"/>, ...) or, for any type the proxy knows, with the constructor and the
/// attribute names of the Toxiproxy API. Immutable.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class ChaosToxic
{
    /// <summary>A toxic of <paramref name="type"/>; absent attributes take their defaults.</summary>
    /// <param name="type">A toxic type, such as <c>latency</c>.</param>
    /// <param name="attributes">Attribute values (whole numbers or strings) by the API's names, such as <c>latency</c>.</param>
    /// <param name="stream">Which way it acts (default downstream, as Toxiproxy's).</param>
    public ChaosToxic(string type, IReadOnlyDictionary<string, object?>? attributes = null, ChaosDirection stream = ChaosDirection.Downstream)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        Type = type;
        Attributes = attributes ?? new Dictionary<string, object?>();
        Stream = stream;
    }

    /// <summary>The name, unique on its proxy; null takes Toxiproxy's default, <c>&lt;type&gt;_&lt;stream&gt;</c>.</summary>
    public string? Name { get; private init; }

    /// <summary>The toxic type, such as <c>latency</c>.</summary>
    public string Type { get; }

    /// <summary>Which way it acts.</summary>
    public ChaosDirection Stream { get; }

    /// <summary>The probability, 0 to 1 (default 1), that it acts on a connection; drawn once per connection.</summary>
    public double Toxicity { get; private init; } = 1;

    /// <summary>The attributes by the API's names: whole numbers (<see cref="long"/>) or strings.</summary>
    public IReadOnlyDictionary<string, object?> Attributes { get; }

    /// <summary>Each chunk of data waits <paramref name="latency"/> ± <paramref name="jitter"/>.</summary>
    public static ChaosToxic Latency(TimeSpan latency, TimeSpan jitter = default, ChaosDirection stream = ChaosDirection.Downstream) =>
        new("latency", new Dictionary<string, object?> { ["latency"] = Milliseconds(latency), ["jitter"] = Milliseconds(jitter) }, stream);

    /// <summary>At most <paramref name="kilobytesPerSecond"/> KB (1000 bytes) a second pass.</summary>
    public static ChaosToxic Bandwidth(long kilobytesPerSecond, ChaosDirection stream = ChaosDirection.Downstream) =>
        new("bandwidth", new Dictionary<string, object?> { ["rate"] = kilobytesPerSecond }, stream);

    /// <summary>Connections close <paramref name="delay"/> later than they would.</summary>
    public static ChaosToxic SlowClose(TimeSpan delay, ChaosDirection stream = ChaosDirection.Downstream) =>
        new("slow_close", new Dictionary<string, object?> { ["delay"] = Milliseconds(delay) }, stream);

    /// <summary>
    /// Nothing passes (data is dropped: a hung broker); connections close after <paramref name="timeout"/> without data,
    /// or, with <see cref="TimeSpan.Zero"/>, when the toxic is removed.
    /// </summary>
    public static ChaosToxic Timeout(TimeSpan timeout, ChaosDirection stream = ChaosDirection.Downstream) =>
        new("timeout", new Dictionary<string, object?> { ["timeout"] = Milliseconds(timeout) }, stream);

    /// <summary>Connections are reset (TCP RST) <paramref name="timeout"/> after data first passes.</summary>
    public static ChaosToxic ResetPeer(TimeSpan timeout = default, ChaosDirection stream = ChaosDirection.Downstream) =>
        new("reset_peer", new Dictionary<string, object?> { ["timeout"] = Milliseconds(timeout) }, stream);

    /// <summary>Data passes in pieces of <paramref name="averageSize"/> ± <paramref name="sizeVariation"/> bytes, <paramref name="delay"/> apart.</summary>
    public static ChaosToxic Slicer(int averageSize, int sizeVariation, TimeSpan delay, ChaosDirection stream = ChaosDirection.Downstream) =>
        new("slicer", new Dictionary<string, object?> { ["average_size"] = (long)averageSize, ["size_variation"] = (long)sizeVariation, ["delay"] = (long)(delay.Ticks / 10) }, stream);

    /// <summary>Connections close once <paramref name="bytes"/> have passed.</summary>
    public static ChaosToxic LimitData(long bytes, ChaosDirection stream = ChaosDirection.Downstream) =>
        new("limit_data", new Dictionary<string, object?> { ["bytes"] = bytes }, stream);

    /// <summary>
    /// Requests of <paramref name="apiKey"/> (0 Produce, 1 Fetch, 19 CreateTopics) are answered by the proxy with
    /// <paramref name="errorCode"/> on every topic and partition; the broker never sees them. With
    /// <paramref name="topic"/>, only requests naming it; with <paramref name="count"/>, that many requests in all (0: no limit).
    /// </summary>
    public static ChaosToxic KafkaError(short apiKey, short errorCode, string? topic = null, long count = 0) =>
        new("kafka_error", new Dictionary<string, object?> { ["api_key"] = (long)apiKey, ["error_code"] = (long)errorCode, ["topic"] = topic, ["count"] = count });

    /// <summary>Produce and Fetch requests naming <paramref name="topic"/> get NOT_LEADER_OR_FOLLOWER for <paramref name="duration"/>, as in a run of leader elections.</summary>
    public static ChaosToxic LeaderStorm(string topic, TimeSpan duration) =>
        new("kafka_leader_storm", new Dictionary<string, object?> { ["topic"] = topic, ["duration_ms"] = Milliseconds(duration) });

    /// <summary>Produce requests (naming <paramref name="topic"/>, or all) reach the broker twice.</summary>
    public static ChaosToxic Duplicate(string? topic = null) =>
        new("kafka_duplicate", new Dictionary<string, object?> { ["topic"] = topic });

    /// <summary>Fetch responses (for <paramref name="topic"/>, or all) come with a byte of each record batch flipped: the client's CRC check fails.</summary>
    public static ChaosToxic Corrupt(string? topic = null) =>
        new("kafka_corrupt", new Dictionary<string, object?> { ["topic"] = topic });

    /// <summary>Responses to Produce and Fetch (of <paramref name="clientId"/>, or of every client) wait <paramref name="throttle"/> and carry it as their throttle time.</summary>
    public static ChaosToxic Throttle(TimeSpan throttle, string? clientId = null) =>
        new("kafka_throttle", new Dictionary<string, object?> { ["throttle_ms"] = Milliseconds(throttle), ["client_id"] = clientId });

    /// <summary>Record values (of <paramref name="topic"/>, or all) in the schema registry's wire format reach consumers with <paramref name="schemaId"/> as their schema id (uncompressed batches).</summary>
    public static ChaosToxic SchemaId(int schemaId, string? topic = null) =>
        new("kafka_schema_id", new Dictionary<string, object?> { ["schema_id"] = (long)schemaId, ["topic"] = topic });

    /// <summary>This toxic under <paramref name="name"/>.</summary>
    public ChaosToxic Named(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new ChaosToxic(Type, Attributes, Stream) { Name = name, Toxicity = Toxicity };
    }

    /// <summary>This toxic acting on a connection with probability <paramref name="toxicity"/> (0 to 1).</summary>
    public ChaosToxic WithToxicity(double toxicity) => new ChaosToxic(Type, Attributes, Stream) { Name = Name, Toxicity = toxicity };

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name ?? Type} ({Type}, {Stream.ToString().ToLowerInvariant()}, toxicity {Toxicity.ToString(CultureInfo.InvariantCulture)}: {string.Join(", ", Attributes.Select(a => $"{a.Key}={a.Value}"))})";

    internal static ChaosToxic From(Toxic toxic)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in toxic.Attributes.EnumerateObject())
        {
            attributes[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.Number => property.Value.GetInt64(),
                JsonValueKind.String => property.Value.GetString(),
                _ => null,
            };
        }

        var stream = toxic.Stream == ToxicDirection.Upstream ? ChaosDirection.Upstream : ChaosDirection.Downstream;
        return new ChaosToxic(toxic.Type, attributes, stream) { Name = toxic.Name, Toxicity = toxic.Toxicity };
    }

    internal JsonElement AttributesJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in Attributes)
            {
                switch (value)
                {
                    case null:
                        writer.WriteNull(name);
                        break;
                    case string text:
                        writer.WriteString(name, text);
                        break;
                    case int or long or short or byte:
                        writer.WriteNumber(name, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                        break;
                    default:
                        throw new ArgumentException($"Attribute '{name}' of toxic {Type} is a {value.GetType().Name}: give a whole number or a string.", nameof(Attributes));
                }
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static long Milliseconds(TimeSpan time) => (long)time.TotalMilliseconds;
}
