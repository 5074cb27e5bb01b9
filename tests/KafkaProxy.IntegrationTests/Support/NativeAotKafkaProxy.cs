using System.Runtime.InteropServices;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>
/// samples/KafkaProxy.ConsoleHost published once as a native AOT binary, the way docs/operations.md says, into a
/// folder of its own: outputs and intermediates go under a temporary folder, so the solution's own bin and obj folders
/// (and the restore state in them) stay as the last build left them.
/// </summary>
public sealed class NativeAotKafkaProxy : IAsyncLifetime
{
    // The publish compiles five projects and the whole program to native code; on a busy 2-core machine it takes minutes.
    private static readonly TimeSpan PublishPatience = TimeSpan.FromMinutes(10);

    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("kafka-proxy-aot-");

    /// <summary>The publish folder.</summary>
    public string OutputDirectory => Path.Combine(_scratch.FullName, "publish");

    /// <summary>The published kafka-proxy.</summary>
    internal KafkaProxyCommand Command => KafkaProxyCommand.Native(Path.Combine(OutputDirectory, "kafka-proxy"));

    /// <summary>What dotnet publish printed.</summary>
    internal ExternalProcess Publish { get; private set; } = new(-1, "", "");

    public async Task InitializeAsync()
    {
        string project = Path.Combine(SampleHost.RepositoryRoot, "samples", "KafkaProxy.ConsoleHost", "KafkaProxy.ConsoleHost.csproj");
        Publish = await ExternalProcess.RunAsync("dotnet",
            [
                "publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-p:PublishAot=true",
                "--artifacts-path", Path.Combine(_scratch.FullName, "artifacts"), "-o", OutputDirectory,
                // The solution's build already ran the analyzers on this code; the native compiler still reports trim
                // and AOT warnings, and those stay errors. No MSBuild nodes outlive the publish.
                "-p:RunAnalyzers=false", "-nodeReuse:false",
            ],
            PublishPatience);
        if (Publish.ExitCode != 0)
        {
            throw new InvalidOperationException(
                "dotnet publish -p:PublishAot=true failed. Native AOT links with clang or gcc and the C library's development files " +
                "(Debian: apt-get install clang; .ci/run installs it when missing).\n" + Publish);
        }
    }

    public Task DisposeAsync()
    {
        _scratch.Delete(recursive: true);
        return Task.CompletedTask;
    }
}
