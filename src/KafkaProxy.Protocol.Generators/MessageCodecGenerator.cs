using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using KafkaProxy.Protocol.Generators.Diagnostics;
using KafkaProxy.Protocol.Generators.Emit;
using KafkaProxy.Protocol.Generators.Schema;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace KafkaProxy.Protocol.Generators;

/// <summary>
/// Generates a message codec (model classes with <c>Read</c>, <c>Write</c> and <c>Size</c>) from every <c>.json</c>
/// file the project gives as <c>AdditionalFiles</c>. The schema format is described in
/// <c>src/KafkaProxy.Protocol/Schemas/README.md</c>; a schema with errors gets diagnostics and no code.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class MessageCodecGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var outputs = context.AdditionalTextsProvider
            .Where(static file => file.Path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            .Select(static (file, cancellationToken) => Generate(file, cancellationToken))
            .Collect();
        context.RegisterSourceOutput(outputs, static (production, all) => Produce(production, all));
    }

    private static SchemaOutput Generate(AdditionalText file, CancellationToken cancellationToken)
    {
        SourceText? text = file.GetText(cancellationToken);
        var empty = new EquatableArray<string>(ImmutableArray<string>.Empty);
        if (text is null)
        {
            var unreadable = new DiagnosticInfo(SchemaDiagnostics.InvalidJson, "The schema file cannot be read.", file.Path, default, default);
            return new SchemaOutput(file.Path, null, null, empty, null, new EquatableArray<DiagnosticInfo>(ImmutableArray.Create(unreadable)));
        }

        var (schema, diagnostics) = SchemaReader.Read(file.Path, text);
        if (schema is null)
        {
            return new SchemaOutput(file.Path, null, null, empty, null, new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        string source = CodeEmitter.Emit(schema, Path.GetFileName(file.Path));
        var classes = schema.Classes().Select(c => c.ClassName).ToImmutableArray();
        return new SchemaOutput(file.Path, schema.Namespace, schema.Name, new EquatableArray<string>(classes), source, new EquatableArray<DiagnosticInfo>(ImmutableArray<DiagnosticInfo>.Empty));
    }

    private static void Produce(SourceProductionContext production, ImmutableArray<SchemaOutput> outputs)
    {
        // Classes are declared per namespace: two schemas may not declare the same one.
        var declared = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var output in outputs.OrderBy(o => o.FilePath, StringComparer.Ordinal))
        {
            foreach (var diagnostic in output.Diagnostics)
            {
                production.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (output.Source is null)
            {
                continue;
            }

            string? clash = output.ClassNames.Select(c => output.Namespace + "." + c).FirstOrDefault(declared.ContainsKey);
            if (clash is not null)
            {
                string message = $"{Path.GetFileName(output.FilePath)} declares {clash}, which {Path.GetFileName(declared[clash])} declares too: rename one (class names are unique in a namespace).";
                production.ReportDiagnostic(Diagnostic.Create(SchemaDiagnostics.InvalidName, Location.Create(output.FilePath, default, default), message));
                continue;
            }

            foreach (string name in output.ClassNames)
            {
                declared[output.Namespace + "." + name] = output.FilePath;
            }

            production.AddSource($"{output.Namespace}.{output.MessageName}.g.cs", SourceText.From(output.Source, Encoding.UTF8));
        }
    }
}
