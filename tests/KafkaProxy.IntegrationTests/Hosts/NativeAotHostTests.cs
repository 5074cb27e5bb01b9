using System.Text.RegularExpressions;
using KafkaProxy.IntegrationTests.Support;

namespace KafkaProxy.IntegrationTests.Hosts;

/// <summary>
/// kafka-proxy published as a native AOT binary: every <see cref="ConsoleHostTests"/> scenario (inherited) runs against
/// it, and the publish itself is checked.
/// </summary>
[Collection(KafkaProxyProcesses.Name)]
public sealed partial class NativeAotHostTests(NativeAotKafkaProxy published) : ConsoleHostTests, IClassFixture<NativeAotKafkaProxy>
{
    private protected override KafkaProxyCommand Command => published.Command;

    [Fact]
    public void Publish_GivesOneNativeExecutableAndNoManagedAssemblies()
    {
        string[] files = Directory.GetFiles(published.OutputDirectory).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray();
        byte[] header = new byte[4];
        using (var binary = File.OpenRead(Path.Combine(published.OutputDirectory, "kafka-proxy")))
        {
            binary.ReadExactly(header);
        }

        Assert.Equal([0x7F, (byte)'E', (byte)'L', (byte)'F'], header);
        Assert.DoesNotContain(files, f => f.EndsWith(".dll", StringComparison.Ordinal) || f.EndsWith(".deps.json", StringComparison.Ordinal) || f.EndsWith(".runtimeconfig.json", StringComparison.Ordinal));
        // Beside it only its symbols, its shipped settings and the librdkafka builds the demo cluster may load.
        Assert.All(files, f => Assert.True(f is "kafka-proxy" or "kafka-proxy.dbg" or "appsettings.json" || f.EndsWith("librdkafka.so", StringComparison.Ordinal), f));
    }

    [Fact]
    public void Publish_TrimAndAotWarningsComeOnlyFromConfluentKafka()
    {
        string[] warnings = WarningLine().Matches(published.Publish.StandardOutput).Select(m => m.Value).Distinct().ToArray();

        // Ours would fail the publish (warnings are errors); Confluent.Kafka's reflection over its P/Invoke methods is
        // covered by the DynamicDependency in KafkaProxy.Testing. Any other assembly's warnings need a look.
        Assert.All(warnings, w => Assert.StartsWith("warning IL2104: Assembly 'Confluent.Kafka' produced trim warnings", w, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DemoMode_BinaryCopiedWithoutLibrdkafka_SaysWhichFilesToCopy()
    {
        var alone = Directory.CreateTempSubdirectory("kafka-proxy-alone-");
        try
        {
            string binary = Path.Combine(alone.FullName, "kafka-proxy");
            File.Copy(Path.Combine(published.OutputDirectory, "kafka-proxy"), binary);

            var result = await KafkaProxyCommand.Native(binary).RunAsync(["server", "--http-disable"], Clients.Patience);

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains($"A published app loads them from its folder ({alone.FullName}/): copy the librdkafka files", result.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            alone.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"warning IL\d+: [^\r\n\[]*")]
    private static partial Regex WarningLine();
}
