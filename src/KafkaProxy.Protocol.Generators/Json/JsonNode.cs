using System.Collections.Generic;
using Microsoft.CodeAnalysis.Text;

namespace KafkaProxy.Protocol.Generators.Json;

/// <summary>A parsed JSON value and where it stands in its file, so that schema errors can point at it.</summary>
internal abstract class JsonNode(TextSpan span)
{
    public TextSpan Span { get; } = span;

    /// <summary>What the value is, for messages ("a string", "an object").</summary>
    public abstract string Kind { get; }
}

internal sealed class JsonObject(TextSpan span, List<JsonProperty> properties) : JsonNode(span)
{
    public IReadOnlyList<JsonProperty> Properties => properties;

    public override string Kind => "an object";

    public JsonProperty? Find(string name) => properties.Find(property => property.Name == name);
}

internal sealed record JsonProperty(string Name, TextSpan NameSpan, JsonNode Value);

internal sealed class JsonArray(TextSpan span, IReadOnlyList<JsonNode> items) : JsonNode(span)
{
    public IReadOnlyList<JsonNode> Items => items;

    public override string Kind => "an array";
}

internal sealed class JsonString(TextSpan span, string value) : JsonNode(span)
{
    public string Value => value;

    public override string Kind => "a string";
}

/// <summary>A number, kept as written; <see cref="Integer"/> is set when it is a whole number that fits in 64 bits.</summary>
internal sealed class JsonNumber(TextSpan span, string text, long? integer, double value) : JsonNode(span)
{
    public string Text => text;

    public long? Integer => integer;

    public double Value => value;

    public override string Kind => "a number";
}

internal sealed class JsonBool(TextSpan span, bool value) : JsonNode(span)
{
    public bool Value => value;

    public override string Kind => value ? "true" : "false";
}

internal sealed class JsonNull(TextSpan span) : JsonNode(span)
{
    public override string Kind => "null";
}
