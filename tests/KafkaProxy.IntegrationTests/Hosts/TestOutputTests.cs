namespace KafkaProxy.IntegrationTests.Hosts;

/// <summary>The folder the hosts under test run in (their working directory) holds nothing a host would read as its own.</summary>
public sealed class TestOutputTests
{
    [Fact]
    public void TestOutputFolder_HasNoAppsettingsJson()
    {
        // A sample's appsettings.json copied here through a project reference gave every host the tests start a broker
        // mapping (localhost:9092 on 127.0.0.1:19092): the demo-mode tests then fought over that port.
        string path = Path.Combine(AppContext.BaseDirectory, "appsettings.json");

        Assert.False(File.Exists(path), $"{path} exists: a project reference copied a host's settings into the test output.");
    }
}
