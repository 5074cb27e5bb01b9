using System.Buffers;
using System.Text.Json;

namespace KafkaProxy.Core.Chaos;

/// <summary>
/// The attributes of a toxic as given (a JSON object, or none), read by its type's factory: each read names an attribute,
/// checks it and gives its default when absent; a bad value or an attribute the type does not read is a
/// <see cref="ChaosRequestException"/> naming the field (<c>attributes.latency</c>). <see cref="Normalized"/> is what was
/// read, defaults included, in the order read: what the API shows.
/// </summary>
internal sealed class ToxicAttributes
{
    private readonly string _type;
    private readonly Dictionary<string, JsonElement> _given = new(StringComparer.Ordinal);
    private readonly List<string> _read = [];
    private readonly List<(string Name, object? Value)> _values = []; // long or string

    /// <param name="type">The toxic type, for messages.</param>
    /// <param name="given">A JSON object, or an undefined or null element for none.</param>
    /// <exception cref="ChaosRequestException">The attributes are not a JSON object.</exception>
    public ToxicAttributes(string type, JsonElement given)
    {
        _type = type;
        if (given.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return;
        }

        if (given.ValueKind != JsonValueKind.Object)
        {
            throw ChaosRequestException.Field("attributes", $"must be a JSON object, not {given.ValueKind.ToString().ToLowerInvariant()}");
        }

        foreach (var property in given.EnumerateObject())
        {
            _given[property.Name] = property.Value;
        }
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>; <paramref name="defaultValue"/> when absent.</summary>
    public long Integer(string name, long defaultValue, long min = 0, long max = int.MaxValue)
    {
        _read.Add(name);
        long value = defaultValue;
        if (_given.TryGetValue(name, out var element))
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out value))
            {
                throw ChaosRequestException.Field("attributes." + name, $"{element.GetRawText()} is not a whole number ({_type} wants one from {min} to {max})");
            }

            if (value < min || value > max)
            {
                throw ChaosRequestException.Field("attributes." + name, $"{value} is out of range: {_type} wants {min} to {max}");
            }
        }

        _values.Add((name, value));
        return value;
    }

    /// <summary>A whole number that must be given, from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public long RequiredInteger(string name, long min = 0, long max = int.MaxValue)
    {
        if (!_given.ContainsKey(name))
        {
            throw ChaosRequestException.Field("attributes." + name, $"missing: {_type} needs it ({min} to {max})");
        }

        return Integer(name, 0, min, max);
    }

    /// <summary>Text, or <paramref name="defaultValue"/> when absent (or null).</summary>
    public string? Text(string name, string? defaultValue = null)
    {
        _read.Add(name);
        string? value = defaultValue;
        if (_given.TryGetValue(name, out var element) && element.ValueKind != JsonValueKind.Null)
        {
            value = element.ValueKind == JsonValueKind.String ? element.GetString()
                : throw ChaosRequestException.Field("attributes." + name, $"{element.GetRawText()} is not a string");
        }

        _values.Add((name, value));
        return value;
    }

    /// <summary>
    /// Checks that every given attribute was read and returns them all, defaults included, as a JSON object.
    /// </summary>
    /// <exception cref="ChaosRequestException">An attribute was given that the type does not have.</exception>
    public JsonElement Normalized()
    {
        foreach (string name in _given.Keys)
        {
            if (!_read.Contains(name))
            {
                string known = _read.Count == 0 ? "none" : string.Join(", ", _read);
                throw ChaosRequestException.Field("attributes." + name, $"{_type} has no such attribute (its attributes: {known})");
            }
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in _values)
            {
                switch (value)
                {
                    case long number:
                        writer.WriteNumber(name, number);
                        break;
                    case string text:
                        writer.WriteString(name, text);
                        break;
                    default:
                        writer.WriteNull(name);
                        break;
                }
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
