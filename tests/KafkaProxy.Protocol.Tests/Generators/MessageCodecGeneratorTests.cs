using System.Collections.Immutable;
using KafkaProxy.Protocol.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace KafkaProxy.Protocol.Tests.Generators;

/// <summary>
/// The generator driven in memory: a schema error is a diagnostic at its place in the file (never a crash, never
/// code), a good schema gives code that compiles against the protocol primitives, and an unchanged schema is not
/// generated again.
/// </summary>
public sealed class MessageCodecGeneratorTests
{
    private const string Valid = """
        {
          "message": "PingRequest",
          "namespace": "Ping",
          "apiKey": 31000,
          "kind": "request",
          "versions": "0-2",
          "flexible": "1+",
          "fields": [
            { "name": "Payload", "type": "string", "doc": "What to echo." },
            { "name": "Count", "type": "int32", "versions": "2+", "default": 1 },
            { "name": "Trace", "type": "array", "of": "struct", "class": "PingHop", "tag": 0, "tagged": "1+", "fields": [
              { "name": "Node", "type": "int32" }
            ] }
          ]
        }
        """;

    public static TheoryData<string, string, string, string> BadSchemas() => new()
    {
        // Schema, the diagnostic, words its message has, the text at its location.
        { Valid.Replace("\"fields\": [", "\"fields\": [,", StringComparison.Ordinal), "KPG001", "not valid JSON", "," },
        { Valid.Replace("\"apiKey\": 31000,", string.Empty, StringComparison.Ordinal), "KPG002", "no \"apiKey\"", "{" },
        { "[]", "KPG002", "A schema is an object", "[" },
        { Valid.Replace("\"doc\": \"What", "\"docs\": \"What", StringComparison.Ordinal), "KPG003", "Unknown property \"docs\"", "\"docs\"" },
        { Valid.Replace("\"type\": \"int32\", \"versions\"", "\"type\": \"int128\", \"versions\"", StringComparison.Ordinal), "KPG004", "PingRequest.Count has unknown type \"int128\"", "\"int128\"" },
        { Valid.Replace("\"of\": \"struct\"", "\"of\": \"records\"", StringComparison.Ordinal), "KPG004", "array of \"records\"", "\"records\"" },
        { Valid.Replace("\"versions\": \"0-2\"", "\"versions\": \"2-0\"", StringComparison.Ordinal), "KPG005", "version range", "\"2-0\"" },
        { Valid.Replace("\"versions\": \"0-2\"", "\"versions\": \"0+\"", StringComparison.Ordinal), "KPG005", "lowest and highest version", "\"0+\"" },
        { Valid.Replace("\"flexible\": \"1+\"", "\"flexible\": \"1-2\"", StringComparison.Ordinal), "KPG005", "never stops being flexible", "\"1-2\"" },
        { Valid.Replace("\"versions\": \"2+\"", "\"versions\": \"5+\"", StringComparison.Ordinal), "KPG005", "would never be on the wire", "\"5+\"" },
        { Valid.Replace("\"name\": \"Count\"", "\"name\": \"Payload\"", StringComparison.Ordinal), "KPG006", "two fields named Payload", "\"Payload\"" },
        { Valid.Replace("\"class\": \"PingHop\"", "\"class\": \"PingRequest\"", StringComparison.Ordinal), "KPG006", "class name PingRequest is already used", "\"PingRequest\"" },
        { Valid.Replace("\"name\": \"Count\"", "\"name\": \"Write\"", StringComparison.Ordinal), "KPG006", "cannot be named Write", "\"Write\"" },
        { Valid.Replace("\"name\": \"Count\"", "\"name\": \"2Count\"", StringComparison.Ordinal), "KPG006", "not a C# identifier", "\"2Count\"" },
        { Valid.Replace("\"default\": 1", "\"nullable\": \"2+\"", StringComparison.Ordinal), "KPG007", "only strings, bytes, records and arrays can be null", "\"nullable\"" },
        { Valid.Replace("\"default\": 1", "\"default\": 3000000000", StringComparison.Ordinal), "KPG007", "a whole number that fits in int32", "3000000000" },
        { Valid.Replace("\"default\": 1", "\"default\": null", StringComparison.Ordinal), "KPG007", "not nullable in any version", "null" },
        { Valid.Replace("\"tagged\": \"1+\"", "\"tagged\": \"0+\"", StringComparison.Ordinal), "KPG008", "only in flexible versions", "\"0+\"" },
        { Valid.Replace("\"tag\": 0, ", string.Empty, StringComparison.Ordinal), "KPG008", "gives both \"tag\"", "\"tagged\"" },
        { Valid.Replace("\"versions\": \"2+\", \"default\": 1", "\"tag\": 0, \"tagged\": \"1+\"", StringComparison.Ordinal), "KPG008", "Tag 0 of PingRequest.Trace is already taken by Count", "0" },
    };

    [Fact]
    public void Run_ValidSchema_GeneratesCodeThatCompilesAgainstTheProtocolPrimitives()
    {
        var run = Run(("Ping.json", Valid));

        Assert.Empty(run.Diagnostics);
        var source = Assert.Single(Assert.Single(run.Results).GeneratedSources);
        Assert.Equal("KafkaProxy.Protocol.Messages.Ping.PingRequest.g.cs", source.HintName);
        Assert.Contains("internal sealed partial class PingRequest : IKafkaMessage<PingRequest>", source.SourceText.ToString(), StringComparison.Ordinal);
        Assert.Contains("internal sealed partial class PingHop", source.SourceText.ToString(), StringComparison.Ordinal);

        // Compiled as this assembly, which sees the primitives' internals, with every warning an error as in the build.
        var compilation = CSharpCompilation.Create(
            typeof(MessageCodecGeneratorTests).Assembly.GetName().Name,
            [CSharpSyntaxTree.ParseText(source.SourceText, new CSharpParseOptions(LanguageVersion.Latest))],
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, generalDiagnosticOption: ReportDiagnostic.Error));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Theory]
    [MemberData(nameof(BadSchemas))]
    public void Run_BadSchema_ReportsTheErrorWhereItIsAndGeneratesNothing(string schema, string id, string words, string located)
    {
        var run = Run(("Ping.json", schema));

        var diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal((id, DiagnosticSeverity.Error), (diagnostic.Id, diagnostic.Severity));
        Assert.Contains(words, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal("Ping.json", diagnostic.Location.GetLineSpan().Path);
        string at = schema.Substring(diagnostic.Location.SourceSpan.Start, Math.Max(diagnostic.Location.SourceSpan.Length, 1));
        Assert.StartsWith(located, at, StringComparison.Ordinal);
        Assert.Empty(Assert.Single(run.Results).GeneratedSources);
    }

    [Fact]
    public void Run_SchemaCutShortAnywhere_ReportsDiagnosticsAndNeverThrows()
    {
        for (int length = 0; length < Valid.Length; length++)
        {
            var run = Run(("Ping.json", Valid[..length]));

            var result = Assert.Single(run.Results);
            Assert.Null(result.Exception);
            Assert.NotEmpty(run.Diagnostics);
            Assert.All(run.Diagnostics, d => Assert.StartsWith("KPG", d.Id, StringComparison.Ordinal));
            Assert.Empty(result.GeneratedSources);
        }
    }

    [Fact]
    public void Run_TwoSchemasDeclaringOneClass_ReportsTheSecondAndGeneratesTheFirst()
    {
        string other = Valid.Replace("\"PingRequest\"", "\"PongRequest\"", StringComparison.Ordinal);

        var run = Run(("A.json", Valid), ("B.json", other));

        var diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("KPG006", diagnostic.Id);
        Assert.Contains("B.json declares KafkaProxy.Protocol.Messages.Ping.PingHop, which A.json declares too", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal("KafkaProxy.Protocol.Messages.Ping.PingRequest.g.cs", Assert.Single(Assert.Single(run.Results).GeneratedSources).HintName);
    }

    [Fact]
    public void Run_NonJsonAdditionalFile_IsNotASchema()
    {
        var run = Run(("PublicAPI.Shipped.txt", "#nullable enable"));

        Assert.Empty(run.Diagnostics);
        Assert.Empty(Assert.Single(run.Results).GeneratedSources);
    }

    [Fact]
    public void RunAgain_UnchangedSchema_ReusesTheOutput()
    {
        var compilation = CSharpCompilation.Create("Incremental");
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new MessageCodecGenerator().AsSourceGenerator()],
            [new SchemaText("Ping.json", Valid)],
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

        driver = driver.RunGenerators(compilation);
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { }")));

        var outputs = Assert.Single(driver.GetRunResult().Results).TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    private static GeneratorDriverRunResult Run(params (string Path, string Text)[] files)
    {
        var driver = CSharpGeneratorDriver.Create(
            [new MessageCodecGenerator().AsSourceGenerator()],
            files.Select(f => (AdditionalText)new SchemaText(f.Path, f.Text)));
        return driver.RunGenerators(CSharpCompilation.Create("Schemas")).GetRunResult();
    }

    private static ImmutableArray<MetadataReference> References() =>
        [
            .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(path => MetadataReference.CreateFromFile(path)),
            MetadataReference.CreateFromFile(typeof(KafkaProxy.Protocol.Primitives.KafkaProtocolException).Assembly.Location),
        ];

    private sealed class SchemaText(string path, string text) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }
}
