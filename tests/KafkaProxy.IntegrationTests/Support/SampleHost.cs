using System.Diagnostics;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>A built sample host (samples/*), run as its own process the way users run it.</summary>
internal static class SampleHost
{
    public static string ConsoleHostDll => Dll("KafkaProxy.ConsoleHost", "kafka-proxy.dll");

    public static string WebHostDll => Dll("KafkaProxy.WebHost", "KafkaProxy.WebHost.dll");

    public static Process Start(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
        => StartProcess("dotnet", [dll, .. args], environment);

    /// <summary>Starts an executable with stdout and stderr captured.</summary>
    public static Process StartProcess(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }

    /// <summary>The folder of KafkaProxy.sln above this test assembly.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KafkaProxy.sln")))
            {
                dir = dir.Parent;
            }

            Assert.NotNull(dir);
            return dir.FullName;
        }
    }

    // The sample's output next to this test assembly's configuration (Debug or Release).
    private static string Dll(string project, string file)
    {
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        string dll = Path.Combine(RepositoryRoot, "samples", project, "bin", configuration, "net10.0", file);
        Assert.True(File.Exists(dll), $"build the solution first: {dll} is missing");
        return dll;
    }
}
