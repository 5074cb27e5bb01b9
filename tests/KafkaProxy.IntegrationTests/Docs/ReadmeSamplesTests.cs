using System.Text.RegularExpressions;
using KafkaProxy.Core.Proxy;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Protocol.Frames;
using KafkaProxy.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaProxy.IntegrationTests.Docs;

/// <summary>
/// Every ```csharp block of every package README (src/*/README.md) is a whole program (top-level statements, then any
/// types) that compiles against the packages' public API, as a user's console app with ImplicitUsings and Nullable on
/// would compile it. Nothing is run.
/// </summary>
public sealed partial class ReadmeSamplesTests
{
    // What <ImplicitUsings>enable</ImplicitUsings> gives a console app; samples write every other using themselves.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    // The assemblies this test process runs with: the framework, ASP.NET Core, Confluent.Kafka and our packages.
    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(new[] { typeof(KafkaFrame), typeof(ProxyEngine), typeof(HttpPushServiceCollectionExtensions), typeof(KafkaTestCluster) }.Select(t => t.Assembly.Location));
        return paths
            .DistinctBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList();
    });

    public static TheoryData<string, int> Samples()
    {
        var samples = new TheoryData<string, int>();
        foreach (string readme in PackageReadmes())
        {
            int count = Blocks(File.ReadAllText(Path.Combine(SampleHost.RepositoryRoot, readme))).Count;
            for (int block = 0; block < count; block++)
            {
                samples.Add(readme, block);
            }
        }

        return samples;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_CompilesAgainstThePublicApi(string readme, int block)
    {
        string code = Blocks(File.ReadAllText(Path.Combine(SampleHost.RepositoryRoot, readme)))[block];

        var problems = Compile(code, $"{readme} block {block + 1}");

        Assert.True(problems.Count == 0, $"{readme}, C# block {block + 1} does not compile:\n{string.Join('\n', problems)}\n\n{code}");
    }

    [Fact]
    public void PackageReadmes_EachHasACSharpSample()
    {
        var readmes = PackageReadmes();

        Assert.Equal(4, readmes.Count);
        Assert.All(readmes, readme => Assert.NotEmpty(Blocks(File.ReadAllText(Path.Combine(SampleHost.RepositoryRoot, readme)))));
    }

    // The harness itself: internals stay hidden, the experimental codec API needs its opt-in, and errors are reported.
    [Theory]
    [InlineData("_ = KafkaProxy.Core.Flushing.TopicName.MaxLength;", "CS0122")]
    [InlineData("_ = KafkaProxy.Protocol.Frames.KafkaFrame.SizePrefixLength;", "KPX0001")]
    [InlineData("int port = new KafkaProxy.Core.Configuration.HostPort(\"h\", 1).Port.Length;", "CS1061")]
    public void Compile_CodeAUserCannotWrite_IsReported(string code, string expected)
    {
        var problems = Compile(code, "bad sample");

        Assert.Contains(problems, d => d.Id == expected);
    }

    private static List<Diagnostic> Compile(string code, string path)
    {
        var compilation = CSharpCompilation.Create(
            "ReadmeSample",
            [CSharpSyntaxTree.ParseText(code, Parse, path), CSharpSyntaxTree.ParseText(ImplicitUsings, Parse, "ImplicitUsings.cs")],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        return emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
    }

    private static List<string> PackageReadmes() =>
        Directory.GetDirectories(Path.Combine(SampleHost.RepositoryRoot, "src"))
            .Select(project => Path.Combine(project, "README.md"))
            .Where(File.Exists)
            .Select(path => Path.GetRelativePath(SampleHost.RepositoryRoot, path))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static List<string> Blocks(string markdown) =>
        CSharpBlock().Matches(markdown).Select(m => m.Groups["code"].Value).ToList();

    [GeneratedRegex(@"^```csharp[ \t]*\r?\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
