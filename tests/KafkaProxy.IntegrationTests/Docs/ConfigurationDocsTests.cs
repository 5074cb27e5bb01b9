using KafkaProxy.Core.Configuration.Binding;
using KafkaProxy.Core.Flushing;
using KafkaProxy.Http.Gateway;
using KafkaProxy.IntegrationTests.Support;

namespace KafkaProxy.IntegrationTests.Docs;

/// <summary>docs/configuration.md lists every key the binders read, so that no setting is undocumented.</summary>
public sealed class ConfigurationDocsTests
{
    private static readonly string Reference = File.ReadAllText(Path.Combine(SampleHost.RepositoryRoot, "docs", "configuration.md"));

    public static TheoryData<string> Keys()
    {
        var keys = new TheoryData<string>();
        foreach (string key in KafkaProxyOptionsBinder.Keys())
        {
            keys.Add($"KafkaProxy:{key}");
        }

        keys.Add($"KafkaProxy:{VirtualClusterBinder.Section}:<name>");
        foreach (string key in BatchingFlusherOptionsBinder.Keys())
        {
            keys.Add($"KafkaProxy:Flusher:{key}");
        }

        foreach (string key in HttpPushOptionsBinder.Keys())
        {
            keys.Add($"KafkaProxy:HttpPush:{key}");
        }

        return keys;
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void ConfigurationReference_ListsEveryKey(string key)
    {
        Assert.Contains($"| `{key}` |", Reference, StringComparison.Ordinal);
    }
}
