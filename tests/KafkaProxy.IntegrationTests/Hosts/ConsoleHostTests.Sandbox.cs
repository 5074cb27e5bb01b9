using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;

namespace KafkaProxy.IntegrationTests.Hosts;

// kafka-proxy under a system-call policy that refuses splice(2) (Sandbox/refuse-splice.py, a seccomp filter), as some
// container runtimes and hardened services may: in-kernel forwarding must turn itself off with one warning and every
// big frame go through memory instead, byte for byte.
public partial class ConsoleHostTests
{
    [Fact]
    public async Task SpliceRefusedBySeccomp_BigFramesGoThroughMemory_OneWarningAndEveryMessageIntact()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        cluster.CreateTopic("bulk", partitions: 1);
        int httpPort = FreePorts.FindRun(1);
        string sandbox = Path.Combine(SampleHost.RepositoryRoot, "tests", "KafkaProxy.IntegrationTests", "Sandbox", "refuse-splice.py");
        using var host = Command.StartUnder(["/usr/bin/python3", sandbox],
            "server", "--http-listen-address", $"127.0.0.1:{httpPort}", "--bootstrap-server-mapping", $"{cluster.Brokers[0].Address},127.0.0.1:0");
        var output = new HostOutput(host);
        try
        {
            var (proxyHost, proxyPort) = Address(ListeningLine().Match(await output.WaitForLineAsync("Listening on ")).Groups[1].Value);
            BigMessages.ProduceAndReadBack($"{proxyHost}:{proxyPort}", "bulk", BigMessages.Make(120, seed: 1037));

            string warning = await output.WaitForLineAsync("[1037]");
            Assert.Contains("Operation not permitted", warning, StringComparison.Ordinal);
            Assert.Contains("KafkaProxy:ForwardInKernel", warning, StringComparison.Ordinal);
            Assert.Single(output.Lines, l => l.Contains("[1037]", StringComparison.Ordinal));
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
            var metrics = PrometheusScrape.Parse(await http.GetStringAsync("/metrics"));
            Assert.True(metrics.Sum("proxy_requests_bytes") > 1 << 20, "the big produce requests went through the proxy");
            Assert.True(metrics.Sum("proxy_responses_bytes") > 1 << 20, "the big fetch responses went through the proxy");
            Assert.Equal(0, metrics.Sum("proxy_spliced_bytes"));
            await StopAsync(host, output);
        }
        finally
        {
            KillIfRunning(host);
        }

        Assert.DoesNotContain(output.Lines, HasStack);
    }
}
