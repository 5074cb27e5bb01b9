using System.Collections.Generic;
using Microsoft.CodeAnalysis.Text;

namespace KafkaProxy.Protocol.Generators.Json;

/// <summary>A parsed JSON value and where it stands in its file, so that schema errors can point at it.</summary>
internal abstract class JsonNode
{
    protected JsonNode(TextSpan span) => Span = span;

    public TextSpan Span { get; }

    /// <summary>What the value is, for messages ("a string", "an object").</summary>
    public abstract string Kind { get; }
}

internal sealed class JsonObject : JsonNode
{
    public JsonObject(TextSpan span, IReadOnlyList<JsonProperty> properties)
        : base(span) => Properties = properties;

    public IReadOnlyList<JsonProperty> Properties { get; }

    public override string Kind => "an object";

    public JsonProperty? Find(string name)
    {
        foreach (var property in Properties)
        {
            if (property.Name == name)
            {
                return property;
            }
        }

        return null;
    }
}

internal sealed class JsonProperty
{
    public JsonProperty(string name, TextSpan nameSpan, JsonNode value)
    {
        Name = name;
        NameSpan = nameSpan;
        Value = value;
    }

    public string Name { get; }

    public TextSpan NameSpan { get; }

    public JsonNode Value { get; }
}

internal sealed class JsonArray : JsonNode
{
    public JsonArray(TextSpan span, IReadOnlyList<JsonNode> items)
        : base(span) => Items = items;

    public IReadOnlyList<JsonNode> Items { get; }

    public override string Kind => "an array";
}

internal sealed class JsonString : JsonNode
{
    public JsonString(TextSpan span, string value)
        : base(span) => Value = value;

    public string Value { get; }

    public override string Kind => "a string";
}

/// <summary>A number, kept as written; <see cref="Integer"/> is set when it is a whole number that fits in 64 bits.</summary>
internal sealed class JsonNumber : JsonNode
{
    public JsonNumber(TextSpan span, string text, long? integer, double value)
        : base(span)
    {
        Text = text;
        Integer = integer;
        Value = value;
    }

    public string Text { get; }

    public long? Integer { get; }

    public double Value { get; }

    public override string Kind => "a number";
}

internal sealed class JsonBool : JsonNode
{
    public JsonBool(TextSpan span, bool value)
        : base(span) => Value = value;

    public bool Value { get; }

    public override string Kind => Value ? "true" : "false";
}

internal sealed class JsonNull : JsonNode
{
    public JsonNull(TextSpan span)
        : base(span)
    {
    }

    public override string Kind => "null";
}
