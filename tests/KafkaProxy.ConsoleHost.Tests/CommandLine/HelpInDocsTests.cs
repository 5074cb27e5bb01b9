using KafkaProxy.ConsoleHost.CommandLine;

namespace KafkaProxy.ConsoleHost.Tests.CommandLine;

/// <summary>docs/configuration.md shows the help of this build, so that the documented flags and keys are the real ones.</summary>
public sealed class HelpInDocsTests
{
    [Fact]
    public void ConfigurationReference_HoldsTheHelpOfThisBuild()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "KafkaProxy.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        string reference = File.ReadAllText(Path.Combine(directory.FullName, "docs", "configuration.md")).ReplaceLineEndings("\n");

        Assert.Contains(ServerCommandLine.HelpText.ReplaceLineEndings("\n").TrimEnd('\n'), reference, StringComparison.Ordinal);
    }
}
