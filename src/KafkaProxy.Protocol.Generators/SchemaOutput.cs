using KafkaProxy.Protocol.Generators.Diagnostics;

namespace KafkaProxy.Protocol.Generators;

/// <summary>What one schema file gives: the generated source (null when the schema has errors) and its diagnostics.</summary>
internal sealed record SchemaOutput(
    string FilePath,
    string? Namespace,
    string? MessageName,
    EquatableArray<string> ClassNames,
    string? Source,
    EquatableArray<DiagnosticInfo> Diagnostics);
