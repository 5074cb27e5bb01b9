using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using KafkaProxy.Protocol.Generators.Diagnostics;
using KafkaProxy.Protocol.Generators.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace KafkaProxy.Protocol.Generators.Schema;

/// <summary>
/// Reads one schema file into a <see cref="MessageSchema"/>, checking everything the generated code relies on:
/// known properties and types, version ranges that make sense where they stand, nullability only where the type
/// has a null, tags only in flexible versions and unique, defaults that fit their type. Every problem becomes a
/// diagnostic at its place in the file; a file with any problem yields no schema.
/// </summary>
internal sealed class SchemaReader
{
    /// <summary>The namespace every message namespace sits under.</summary>
    public const string RootNamespace = "KafkaProxy.Protocol.Messages";

    private static readonly string[] MessageProperties = ["message", "namespace", "apiKey", "kind", "versions", "flexible", "doc", "remarks", "fields"];

    private static readonly string[] FieldProperties = ["name", "type", "of", "class", "classDoc", "doc", "versions", "nullable", "nullAsEmpty", "tag", "tagged", "default", "fields"];

    // Member names every generated class has, which a field must not take.
    private static readonly string[] ReservedNames =
        ["UnknownTaggedFields", "Read", "Write", "Size", "HasDefaultValues", "LowestSupportedVersion", "HighestSupportedVersion", "MessageApiKey"];

    private static readonly Dictionary<string, FieldKind> Types = new(StringComparer.Ordinal)
    {
        ["int8"] = FieldKind.Int8,
        ["int16"] = FieldKind.Int16,
        ["uint16"] = FieldKind.UInt16,
        ["int32"] = FieldKind.Int32,
        ["uint32"] = FieldKind.UInt32,
        ["int64"] = FieldKind.Int64,
        ["float64"] = FieldKind.Float64,
        ["bool"] = FieldKind.Bool,
        ["uuid"] = FieldKind.Uuid,
        ["string"] = FieldKind.String,
        ["bytes"] = FieldKind.Bytes,
        ["records"] = FieldKind.Records,
        ["struct"] = FieldKind.Struct,
        ["array"] = FieldKind.Array,
    };

    private readonly string _path;
    private readonly SourceText _text;
    private readonly List<DiagnosticInfo> _diagnostics = new();
    private readonly HashSet<string> _classNames = new(StringComparer.Ordinal);
    private VersionRange _flexible = VersionRange.None;

    private SchemaReader(string path, SourceText text)
    {
        _path = path;
        _text = text;
    }

    /// <summary>Reads a schema file; the schema is null when there is any diagnostic.</summary>
    public static (MessageSchema? Schema, ImmutableArray<DiagnosticInfo> Diagnostics) Read(string path, SourceText text)
    {
        var reader = new SchemaReader(path, text);
        MessageSchema? schema = null;
        try
        {
            schema = reader.ReadMessage(JsonParser.Parse(text.ToString()));
        }
        catch (JsonParseException e)
        {
            reader.Report(SchemaDiagnostics.InvalidJson, e.Span, $"The schema is not valid JSON: {e.Message}.");
        }

        return reader._diagnostics.Count == 0 ? (schema, ImmutableArray<DiagnosticInfo>.Empty) : (null, reader._diagnostics.ToImmutableArray());
    }

    private MessageSchema? ReadMessage(JsonNode root)
    {
        if (root is not JsonObject message)
        {
            Report(SchemaDiagnostics.InvalidProperty, root.Span, $"A schema is an object with \"message\", \"namespace\", \"apiKey\", \"kind\", \"versions\" and \"fields\", not {root.Kind}.");
            return null;
        }

        CheckProperties(message, MessageProperties, "a message");
        string? name = RequiredIdentifier(message, "message", "the message");
        string? ns = RequiredString(message, "namespace", "the message");
        if (ns is not null && !ns.Split('.').All(IsIdentifier))
        {
            Report(SchemaDiagnostics.InvalidName, message.Find("namespace")!.Value.Span, $"\"{ns}\" is not a namespace: use identifiers separated by dots (it goes under {RootNamespace}).");
        }

        short apiKey = ReadApiKey(message);
        bool isRequest = ReadKind(message);
        VersionRange versions = ReadMessageVersions(message);
        _flexible = ReadFlexibleVersions(message);
        string doc = OptionalString(message, "doc") ?? string.Empty;
        string remarks = OptionalString(message, "remarks") ?? string.Empty;
        if (name is not null)
        {
            _classNames.Add(name);
        }

        var body = new StructSchema(name ?? "Message", doc) { Reach = versions };
        if (RequiredArray(message, "fields", "the message") is { } fields && !versions.IsEmpty)
        {
            ReadFields(fields, body);
        }

        return name is null || ns is null ? null : new MessageSchema(name, RootNamespace + "." + ns, apiKey, isRequest, versions, _flexible, remarks, body);
    }

    private short ReadApiKey(JsonObject message)
    {
        var property = message.Find("apiKey");
        if (property is null)
        {
            Report(SchemaDiagnostics.InvalidProperty, message.Span, "The message has no \"apiKey\": give the api key number, for example \"apiKey\": 18.");
            return -1;
        }

        if (property.Value is JsonNumber { Integer: >= 0 and <= short.MaxValue } number)
        {
            return (short)number.Integer.Value;
        }

        Report(SchemaDiagnostics.InvalidProperty, property.Value.Span, $"\"apiKey\" must be a whole number from 0 to {short.MaxValue}, not {Describe(property.Value)}.");
        return -1;
    }

    private bool ReadKind(JsonObject message)
    {
        string? kind = RequiredString(message, "kind", "the message");
        if (kind is null or "request" or "response")
        {
            return kind == "request";
        }

        Report(SchemaDiagnostics.InvalidProperty, message.Find("kind")!.Value.Span, $"\"kind\" is \"request\" or \"response\", not \"{kind}\".");
        return false;
    }

    private VersionRange ReadMessageVersions(JsonObject message)
    {
        var property = message.Find("versions");
        if (property is null)
        {
            Report(SchemaDiagnostics.InvalidProperty, message.Span, "The message has no \"versions\": give the versions it supports, for example \"versions\": \"0-4\".");
            return VersionRange.None;
        }

        if (!TryReadRange(property.Value, "versions", out VersionRange versions))
        {
            return VersionRange.None;
        }

        if (versions.IsEmpty || versions.IsOpen)
        {
            Report(SchemaDiagnostics.InvalidVersions, property.Value.Span, $"The message's \"versions\" must name its lowest and highest version, for example \"0-4\" or \"2\", not \"{versions}\".");
            return VersionRange.None;
        }

        return versions;
    }

    private VersionRange ReadFlexibleVersions(JsonObject message)
    {
        var property = message.Find("flexible");
        if (property is null)
        {
            return VersionRange.None;
        }

        if (!TryReadRange(property.Value, "flexible", out VersionRange flexible))
        {
            return VersionRange.None;
        }

        if (!flexible.IsEmpty && !flexible.IsOpen)
        {
            Report(SchemaDiagnostics.InvalidVersions, property.Value.Span, $"\"flexible\" is \"none\" or the first flexible version and every later one, for example \"9+\", not \"{flexible}\": a message never stops being flexible.");

            // Read on as if it said "N+", so that its tagged fields are not reported too.
            return new VersionRange(flexible.Lowest, short.MaxValue);
        }

        return flexible;
    }

    private void ReadFields(JsonArray fields, StructSchema target)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var tags = new Dictionary<uint, string>();
        foreach (var item in fields.Items)
        {
            if (item is not JsonObject field)
            {
                Report(SchemaDiagnostics.InvalidProperty, item.Span, $"Each entry of \"fields\" is an object, not {item.Kind}.");
                continue;
            }

            var schema = ReadField(field, target);
            if (schema is null)
            {
                continue;
            }

            if (!names.Add(schema.Name))
            {
                Report(SchemaDiagnostics.InvalidName, field.Find("name")!.Value.Span, $"{target.ClassName} has two fields named {schema.Name}.");
            }

            if (schema.IsTagged)
            {
                if (tags.TryGetValue(schema.Tag, out string? other))
                {
                    Report(SchemaDiagnostics.InvalidTag, field.Find("tag")!.Value.Span, $"Tag {schema.Tag} of {target.ClassName}.{schema.Name} is already taken by {other}: tags are unique within a struct.");
                }
                else
                {
                    tags.Add(schema.Tag, schema.Name);
                }
            }

            target.Fields.Add(schema);
        }
    }

    private FieldSchema? ReadField(JsonObject field, StructSchema parent)
    {
        CheckProperties(field, FieldProperties, "a field");
        string? name = RequiredIdentifier(field, "name", "a field of " + parent.ClassName);
        if (name is null)
        {
            return null;
        }

        string where = parent.ClassName + "." + name;
        if (Array.IndexOf(ReservedNames, name) >= 0 || name == parent.ClassName)
        {
            Report(SchemaDiagnostics.InvalidName, field.Find("name")!.Value.Span, $"{where}: a field cannot be named {name}, which names {(name == parent.ClassName ? "its class" : "a member every generated class has")}.");
            return null;
        }

        if (!ReadType(field, where, out FieldKind kind, out FieldKind elementKind))
        {
            return null;
        }

        StructSchema? nested = ReadStructDeclaration(field, where, kind, elementKind);
        var schema = new FieldSchema(name, OptionalString(field, "doc") ?? string.Empty, kind, elementKind, nested);
        if (!ReadFieldVersions(field, parent, schema, where))
        {
            return null;
        }

        ReadNullability(field, schema, where);
        ReadDefault(field, schema, where);
        if (nested is not null)
        {
            nested.Reach = schema.Versions;
            nested.IsTaggedValue = schema.IsTagged && kind == FieldKind.Struct;
            if (RequiredArray(field, "fields", where) is { } fields)
            {
                ReadFields(fields, nested);
            }
        }

        return schema;
    }

    private bool ReadType(JsonObject field, string where, out FieldKind kind, out FieldKind elementKind)
    {
        kind = elementKind = FieldKind.Int8;
        string? type = RequiredString(field, "type", where);
        if (type is null)
        {
            return false;
        }

        if (!Types.TryGetValue(type, out kind))
        {
            Report(SchemaDiagnostics.UnknownType, field.Find("type")!.Value.Span, $"{where} has unknown type \"{type}\"; the types are {string.Join(", ", Types.Keys)}.");
            return false;
        }

        var of = field.Find("of");
        if (kind != FieldKind.Array)
        {
            if (of is not null)
            {
                Report(SchemaDiagnostics.InvalidProperty, of.NameSpan, $"{where}: \"of\" gives the element type of an array, and {where} is a {type}.");
            }

            return true;
        }

        string? element = RequiredString(field, "of", where);
        if (element is null)
        {
            return false;
        }

        if (!Types.TryGetValue(element, out elementKind) || elementKind is FieldKind.Array or FieldKind.Bytes or FieldKind.Records)
        {
            Report(SchemaDiagnostics.UnknownType, of!.Value.Span, $"{where} is an array of \"{element}\"; array elements are one of {string.Join(", ", Types.Keys.Where(t => t is not ("array" or "bytes" or "records")))}.");
            return false;
        }

        return true;
    }

    private StructSchema? ReadStructDeclaration(JsonObject field, string where, FieldKind kind, FieldKind elementKind)
    {
        bool isStruct = kind == FieldKind.Struct || (kind == FieldKind.Array && elementKind == FieldKind.Struct);
        if (!isStruct)
        {
            foreach (string property in new[] { "class", "classDoc", "fields" })
            {
                if (field.Find(property) is { } stray)
                {
                    Report(SchemaDiagnostics.InvalidProperty, stray.NameSpan, $"{where}: \"{property}\" belongs to struct fields and arrays of structs only.");
                }
            }

            return null;
        }

        string? className = RequiredIdentifier(field, "class", where);
        if (className is null)
        {
            return null;
        }

        if (!_classNames.Add(className))
        {
            Report(SchemaDiagnostics.InvalidName, field.Find("class")!.Value.Span, $"{where}: the class name {className} is already used in this schema.");
        }

        string doc = OptionalString(field, "classDoc") ?? OptionalString(field, "doc") ?? string.Empty;
        return new StructSchema(className, doc);
    }

    private bool ReadFieldVersions(JsonObject field, StructSchema parent, FieldSchema schema, string where)
    {
        var versionsProperty = field.Find("versions");
        VersionRange versions = parent.Reach;
        if (versionsProperty is not null)
        {
            if (!TryReadRange(versionsProperty.Value, "versions", out VersionRange declared))
            {
                return false;
            }

            versions = declared.Intersect(parent.Reach);
            if (versions.IsEmpty)
            {
                Report(SchemaDiagnostics.InvalidVersions, versionsProperty.Value.Span, $"{where} has versions \"{declared}\", but {parent.ClassName} exists only in versions {parent.Reach}: the field would never be on the wire.");
                return false;
            }
        }

        var tag = field.Find("tag");
        var tagged = field.Find("tagged");
        if (tag is null && tagged is null)
        {
            schema.Versions = versions;
            return true;
        }

        if (tag is null || tagged is null)
        {
            var present = (tag ?? tagged)!;
            Report(SchemaDiagnostics.InvalidTag, present.NameSpan, $"{where}: a tagged field gives both \"tag\" (its number) and \"tagged\" (the versions in which it is tagged).");
            return false;
        }

        if (!TryReadRange(tagged.Value, "tagged", out VersionRange declaredTagged))
        {
            return false;
        }

        VersionRange taggedVersions = declaredTagged.Intersect(parent.Reach);
        if (taggedVersions.IsEmpty || !_flexible.Contains(taggedVersions))
        {
            Report(SchemaDiagnostics.InvalidTag, tagged.Value.Span, $"{where} is tagged in versions \"{declaredTagged}\"; tagged fields exist only in flexible versions ({_flexible}) where {parent.ClassName} exists ({parent.Reach}).");
            return false;
        }

        if (versionsProperty is not null && !versions.Equals(taggedVersions))
        {
            Report(SchemaDiagnostics.InvalidTag, versionsProperty.NameSpan, $"{where}: a tagged field is tagged in every version it exists in; give \"tagged\" alone, not \"versions\" {versions} as well.");
            return false;
        }

        if (tag.Value is not JsonNumber { Integer: >= 0 and <= int.MaxValue } number)
        {
            Report(SchemaDiagnostics.InvalidTag, tag.Value.Span, $"{where}: \"tag\" is a whole number from 0 to {int.MaxValue}, not {Describe(tag.Value)}.");
            return false;
        }

        if (schema.Kind == FieldKind.Records)
        {
            Report(SchemaDiagnostics.InvalidTag, tag.NameSpan, $"{where}: records cannot be a tagged field.");
            return false;
        }

        schema.Versions = taggedVersions;
        schema.IsTagged = true;
        schema.Tag = (uint)number.Integer.Value;
        return true;
    }

    private void ReadNullability(JsonObject field, FieldSchema schema, string where)
    {
        bool canBeNull = schema.Kind is FieldKind.String or FieldKind.Bytes or FieldKind.Records or FieldKind.Array;
        if (field.Find("nullable") is { } nullable && TryReadRange(nullable.Value, "nullable", out VersionRange declared))
        {
            if (!canBeNull)
            {
                Report(SchemaDiagnostics.InvalidValue, nullable.NameSpan, $"{where}: only strings, bytes, records and arrays can be null, and {where} is a {TypeName(schema)}.");
            }
            else if (declared.Intersect(schema.Versions).IsEmpty)
            {
                Report(SchemaDiagnostics.InvalidValue, nullable.Value.Span, $"{where} is nullable in versions \"{declared}\", none of which it exists in ({schema.Versions}).");
            }
            else
            {
                schema.Nullable = declared.Intersect(schema.Versions);
                schema.IsNullableType = true;
            }
        }

        if (field.Find("nullAsEmpty") is { } nullAsEmpty && TryReadRange(nullAsEmpty.Value, "nullAsEmpty", out VersionRange declaredEmpty))
        {
            VersionRange empty = declaredEmpty.Intersect(schema.Versions);
            if (schema.Kind != FieldKind.Array || !schema.IsNullableType)
            {
                Report(SchemaDiagnostics.InvalidValue, nullAsEmpty.NameSpan, $"{where}: \"nullAsEmpty\" applies to arrays that are nullable in other versions.");
            }
            else if (empty.IsEmpty || !empty.Intersect(schema.Nullable).IsEmpty)
            {
                Report(SchemaDiagnostics.InvalidValue, nullAsEmpty.Value.Span, $"{where}: \"nullAsEmpty\" names versions in which the array exists and cannot be null ({schema.Versions}, nullable {schema.Nullable}).");
            }
            else
            {
                schema.NullAsEmpty = empty;
            }
        }
    }

    private void ReadDefault(JsonObject field, FieldSchema schema, string where)
    {
        if (field.Find("default") is not { } property)
        {
            return;
        }

        JsonNode value = property.Value;
        if (value is JsonNull)
        {
            if (schema.IsNullableType)
            {
                schema.DefaultLiteral = "null";
            }
            else
            {
                Report(SchemaDiagnostics.InvalidValue, value.Span, $"{where}: the default is null, but {where} is not nullable in any version (add \"nullable\").");
            }

            return;
        }

        string? literal = schema.Kind switch
        {
            FieldKind.Int8 => IntegerLiteral(value, sbyte.MinValue, sbyte.MaxValue),
            FieldKind.Int16 => IntegerLiteral(value, short.MinValue, short.MaxValue),
            FieldKind.UInt16 => IntegerLiteral(value, ushort.MinValue, ushort.MaxValue),
            FieldKind.Int32 => IntegerLiteral(value, int.MinValue, int.MaxValue),
            FieldKind.UInt32 => IntegerLiteral(value, uint.MinValue, uint.MaxValue),
            FieldKind.Int64 => IntegerLiteral(value, long.MinValue, long.MaxValue),
            FieldKind.Float64 => value is JsonNumber number ? number.Value.ToString("R", CultureInfo.InvariantCulture) + "d" : null,
            FieldKind.Bool => value is JsonBool flag ? (flag.Value ? "true" : "false") : null,
            FieldKind.String => value is JsonString text ? SymbolDisplay.FormatLiteral(text.Value, quote: true) : null,
            FieldKind.Uuid => value is JsonString id && Guid.TryParse(id.Value, out Guid guid) ? $"new global::System.Guid(\"{guid:D}\")" : null,
            _ => null,
        };
        if (literal is null)
        {
            string allowed = schema.Kind switch
            {
                FieldKind.Float64 => "a number",
                FieldKind.Bool => "true or false",
                FieldKind.String => "a string",
                FieldKind.Uuid => "a UUID string",
                FieldKind.Bytes or FieldKind.Records or FieldKind.Array => "null (an empty value is the natural default)",
                FieldKind.Struct => "nothing (a struct's defaults are its fields' defaults)",
                _ => $"a whole number that fits in {TypeName(schema)}",
            };
            Report(SchemaDiagnostics.InvalidValue, value.Span, $"{where}: the default {Describe(value)} does not fit; the default of a {TypeName(schema)} is {allowed}.");
            return;
        }

        schema.DefaultLiteral = literal;
    }

    private static string? IntegerLiteral(JsonNode value, long min, long max) =>
        value is JsonNumber { Integer: { } integer } && integer >= min && integer <= max ? integer.ToString(CultureInfo.InvariantCulture) : null;

    private static string TypeName(FieldSchema schema) =>
        schema.Kind == FieldKind.Array ? "array" : Types.First(t => t.Value == schema.Kind).Key;

    private bool TryReadRange(JsonNode value, string property, out VersionRange range)
    {
        if (value is JsonString text && VersionRange.TryParse(text.Value, out range))
        {
            return true;
        }

        Report(SchemaDiagnostics.InvalidVersions, value.Span, $"\"{property}\" is a version range written \"3\", \"0-4\", \"9+\" or \"none\", not {Describe(value)}.");
        range = VersionRange.None;
        return false;
    }

    private void CheckProperties(JsonObject node, string[] known, string what)
    {
        foreach (var property in node.Properties)
        {
            if (Array.IndexOf(known, property.Name) < 0)
            {
                Report(SchemaDiagnostics.UnknownProperty, property.NameSpan, $"Unknown property \"{property.Name}\" in {what}; the properties are {string.Join(", ", known)}.");
            }
        }
    }

    private string? RequiredIdentifier(JsonObject node, string property, string what)
    {
        string? value = RequiredString(node, property, what);
        if (value is not null && !IsIdentifier(value))
        {
            Report(SchemaDiagnostics.InvalidName, node.Find(property)!.Value.Span, $"\"{value}\" ({property} of {what}) is not a C# identifier.");
            return null;
        }

        return value;
    }

    private string? RequiredString(JsonObject node, string property, string what)
    {
        var found = node.Find(property);
        if (found is null)
        {
            Report(SchemaDiagnostics.InvalidProperty, node.Span, $"\"{property}\" is missing from {what}.");
            return null;
        }

        if (found.Value is JsonString text)
        {
            return text.Value;
        }

        Report(SchemaDiagnostics.InvalidProperty, found.Value.Span, $"\"{property}\" of {what} is a string, not {Describe(found.Value)}.");
        return null;
    }

    private string? OptionalString(JsonObject node, string property)
    {
        var found = node.Find(property);
        if (found is null)
        {
            return null;
        }

        if (found.Value is JsonString text)
        {
            return text.Value;
        }

        Report(SchemaDiagnostics.InvalidProperty, found.Value.Span, $"\"{property}\" is a string, not {Describe(found.Value)}.");
        return null;
    }

    private JsonArray? RequiredArray(JsonObject node, string property, string what)
    {
        var found = node.Find(property);
        if (found?.Value is JsonArray array)
        {
            return array;
        }

        Report(SchemaDiagnostics.InvalidProperty, found?.Value.Span ?? node.Span, found is null ? $"\"{property}\" is missing from {what}." : $"\"{property}\" of {what} is an array, not {Describe(found.Value)}.");
        return null;
    }

    private static bool IsIdentifier(string value) =>
        SyntaxFacts.IsValidIdentifier(value) && SyntaxFacts.GetKeywordKind(value) == SyntaxKind.None && SyntaxFacts.GetContextualKeywordKind(value) == SyntaxKind.None;

    private static string Describe(JsonNode value) => value switch
    {
        JsonString text => $"\"{text.Value}\"",
        JsonNumber number => number.Text,
        _ => value.Kind,
    };

    private void Report(DiagnosticDescriptor descriptor, TextSpan span, string message) =>
        _diagnostics.Add(new DiagnosticInfo(descriptor, message, _path, span, _text.Lines.GetLinePositionSpan(span)));
}
