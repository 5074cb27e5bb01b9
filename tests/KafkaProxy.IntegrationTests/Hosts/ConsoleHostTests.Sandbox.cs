using Confluent.Kafka;
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
            string bootstrap = $"{proxyHost}:{proxyPort}";
            var random = new Random(1037);
            var values = Enumerable.Range(0, 120).Select(i => $"{i:D4}:{Convert.ToBase64String(RandomBytes(random, 12 * 1024))}").ToList();

            using (var producer = Clients.Producer(bootstrap, tune: c => { c.LingerMs = 100; c.BatchSize = 4 << 20; c.CompressionType = CompressionType.None; }))
            {
                foreach (string value in values)
                {
                    producer.Produce("bulk", new Message<string, string> { Key = "k", Value = value });
                }

                Assert.Equal(0, producer.Flush(Clients.Patience));
            }

            using (var consumer = Clients.Consumer(bootstrap, "bulk-readers"))
            {
                consumer.Subscribe("bulk");
                Assert.Equal(values, Clients.Consume(consumer, values.Count).Select(r => r.Message.Value)); // in order, every byte
            }

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

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
