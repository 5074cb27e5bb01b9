using System.Globalization;
using System.Text.Json;

namespace KafkaProxy.Core.Chaos;

/// <summary>
/// One toxic of a proxy, as the Toxiproxy API shows it, with its behaviour. Immutable: an update makes a new toxic, so
/// that every connection decides its toxicity again (as Toxiproxy restarts a toxic's stubs) and starts its counters anew.
/// </summary>
internal sealed class Toxic
{
    private Toxic(string name, string type, ToxicDirection stream, double toxicity, JsonElement attributes, ToxicBehavior behavior)
    {
        Name = name;
        Type = type;
        Stream = stream;
        Toxicity = toxicity;
        Attributes = attributes;
        Behavior = behavior;
    }

    public string Name { get; }

    public string Type { get; }

    public ToxicDirection Stream { get; }

    /// <summary>The chance, 0 to 1, that the toxic acts on a connection; drawn once per connection.</summary>
    public double Toxicity { get; }

    /// <summary>Every attribute, defaults included (a JSON object).</summary>
    public JsonElement Attributes { get; }

    public ToxicBehavior Behavior { get; }

    /// <summary>
    /// Checks a new toxic. Defaults as Toxiproxy's: stream downstream, toxicity 1, name <c>&lt;type&gt;_&lt;stream&gt;</c>.
    /// </summary>
    /// <exception cref="ChaosRequestException">A field is missing or wrong; the message names it.</exception>
    public static Toxic Create(string? name, string? type, string? stream, double? toxicity, JsonElement attributes)
    {
        if (string.IsNullOrEmpty(type))
        {
            throw ChaosRequestException.Field("type", $"missing: give one of {string.Join(", ", ToxicTypes.Names)}");
        }

        var direction = ParseStream(stream);
        string streamName = StreamName(direction);
        if (name is not null && (name.Length == 0 || name.Contains('/', StringComparison.Ordinal)))
        {
            throw ChaosRequestException.Field("name", $"'{name}' is not a name: it must be non-empty, without '/'");
        }

        var read = new ToxicAttributes(type, attributes);
        var behavior = ToxicTypes.Create(type, read);
        return new Toxic(name ?? $"{type}_{streamName}", type, direction, CheckToxicity(toxicity ?? 1.0), read.Normalized(), behavior);
    }

    /// <summary>This toxic with new attributes (merged over the current ones) and toxicity; null keeps the current.</summary>
    /// <exception cref="ChaosRequestException">A field is wrong; the message names it.</exception>
    public Toxic Update(JsonElement attributes, double? toxicity)
    {
        var merged = Attributes;
        if (attributes.ValueKind == JsonValueKind.Object)
        {
            var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in Attributes.EnumerateObject())
            {
                values[property.Name] = property.Value;
            }

            foreach (var property in attributes.EnumerateObject())
            {
                values[property.Name] = property.Value;
            }

            merged = JsonSerializer.SerializeToElement(values, ChaosJsonContext.Default.DictionaryStringJsonElement);
        }
        else if (attributes.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            throw ChaosRequestException.Field("attributes", $"must be a JSON object, not {attributes.ValueKind.ToString().ToLowerInvariant()}");
        }

        var read = new ToxicAttributes(Type, merged);
        var behavior = ToxicTypes.Create(Type, read);
        return new Toxic(Name, Type, Stream, CheckToxicity(toxicity ?? Toxicity), read.Normalized(), behavior);
    }

    public static string StreamName(ToxicDirection direction) => direction == ToxicDirection.Upstream ? "upstream" : "downstream";

    private static ToxicDirection ParseStream(string? stream) => stream switch
    {
        null or "downstream" => ToxicDirection.Downstream,
        "upstream" => ToxicDirection.Upstream,
        _ => throw ChaosRequestException.Field("stream", $"'{stream}' is not a stream: give upstream (client to broker) or downstream (broker to client)"),
    };

    private static double CheckToxicity(double toxicity) =>
        toxicity is >= 0 and <= 1 ? toxicity
            : throw ChaosRequestException.Field("toxicity", $"{toxicity.ToString(CultureInfo.InvariantCulture)} is not a probability from 0 to 1");
}
