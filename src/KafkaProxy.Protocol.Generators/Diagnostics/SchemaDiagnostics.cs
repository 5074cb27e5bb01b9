using Microsoft.CodeAnalysis;

namespace KafkaProxy.Protocol.Generators.Diagnostics;

/// <summary>
/// What can be wrong with a schema file. Each is an error at the place in the file it concerns, and the message
/// says what was found and what is allowed; the generator then emits nothing for that file.
/// </summary>
internal static class SchemaDiagnostics
{
    private const string Category = "KafkaProxy.Schemas";

    public static readonly DiagnosticDescriptor InvalidJson = Create("KPG001", "Schema file is not valid JSON");

    public static readonly DiagnosticDescriptor InvalidProperty = Create("KPG002", "Schema property is missing or has the wrong type");

    public static readonly DiagnosticDescriptor UnknownProperty = Create("KPG003", "Unknown schema property");

    public static readonly DiagnosticDescriptor UnknownType = Create("KPG004", "Unknown field type");

    public static readonly DiagnosticDescriptor InvalidVersions = Create("KPG005", "Invalid version range");

    public static readonly DiagnosticDescriptor InvalidName = Create("KPG006", "Invalid or duplicate name");

    public static readonly DiagnosticDescriptor InvalidValue = Create("KPG007", "Invalid nullability or default value");

    public static readonly DiagnosticDescriptor InvalidTag = Create("KPG008", "Invalid tagged field");

    private static DiagnosticDescriptor Create(string id, string title) =>
        new(id, title, "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
