using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;

namespace KafkaProxy.IntegrationTests.Security;

public sealed class ForbiddenApiKeysTests
{
    [Fact]
    public async Task ForbiddenKey_ClosesOnlyThatConnection_CountsItAndOtherClientsCarryOn()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        cluster.CreateTopic("allowed", partitions: 1);
        await using var proxy = await ProxyInFront.StartAsync(cluster.Brokers[0], cluster.Brokers[0].Address, o => o.ForbiddenApiKeys.UnionWith([19, 20]));
        using var producer = Clients.Producer(proxy.Bootstrap);
        var streaming = Task.Run(() => Clients.ProduceNumbered(producer, "allowed", 2000));

        await using (var admin = await RawKafkaClient.ConnectAsync(proxy.Listener.Host, proxy.Listener.Port))
        {
            await admin.SendAsync(18, 0, flexible: false, _ => { }); // ApiVersions passes
            // DeleteTopics v1: topic_names [] , timeout_ms
            var refused = await Record.ExceptionAsync(() => admin.SendAsync(20, 1, flexible: false, w =>
            {
                Protocol.Primitives.KafkaWriter.WriteInt32(w, 0);
                Protocol.Primitives.KafkaWriter.WriteInt32(w, 1000);
            }));
            Assert.True(refused is EndOfStreamException or IOException, $"expected a closed connection, got {refused}");
        }

        await streaming.WaitAsync(TimeSpan.FromSeconds(60));
        string line = await proxy.WaitForLogAsync("KafkaProxy:ForbiddenApiKeys refuses");
        Assert.Contains("DeleteTopics (api key 20)", line, StringComparison.Ordinal);
        Assert.Equal(1, proxy.Metrics.Sum("proxy_requests_refused_total", ("api_key", "20"), ("reason", "forbidden")));
    }

    [Fact]
    public async Task ForbiddenMetadata_KcatListing_FailsWhileApiVersionsStillAnswers()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        await using var proxy = await ProxyInFront.StartAsync(cluster.Brokers[0], cluster.Brokers[0].Address, o => o.ForbiddenApiKeys.Add(3));

        var listing = await ExternalProcess.RunAsync("kcat", ["-b", proxy.Bootstrap, "-L", "-m", "3"], Clients.Patience);

        Assert.NotEqual(0, listing.ExitCode);
        await proxy.AssertAnswersAsync();
        Assert.True(proxy.Metrics.Sum("proxy_requests_refused_total", ("api_key", "3"), ("reason", "forbidden")) >= 1);
    }
}
