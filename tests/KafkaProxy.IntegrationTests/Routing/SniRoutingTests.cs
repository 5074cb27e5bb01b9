using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;

namespace KafkaProxy.IntegrationTests.Routing;

/// <summary>SNI routing: one TLS port for the whole cluster, with kcat and Confluent.Kafka resolving .localhost names.</summary>
public sealed partial class SniRoutingTests
{
    [Fact]
    public async Task KcatList_ThroughOnePort_ListsThreeBrokersNamedByThePatternOnThatPort()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        await using var proxy = await SniProxy.StartAsync(cluster);

        var listing = await ExternalProcess.RunAsync("kcat", [.. proxy.KcatArguments, "-L"], Clients.Patience);

        Assert.True(listing.ExitCode == 0, listing.ToString());
        var brokers = BrokerLine().Matches(listing.StandardOutput).Select(m => (Id: m.Groups["id"].Value, Host: m.Groups["host"].Value, Port: int.Parse(m.Groups["port"].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(cluster.Brokers.Select(b => b.Id.ToString(CultureInfo.InvariantCulture)).Order(), brokers.Select(b => b.Id).Order());
        Assert.All(brokers, b => Assert.Equal(($"broker-{b.Id}.kafka.localhost", proxy.Port), (b.Host, b.Port)));
        Assert.Single(proxy.Engine.Listeners);
    }

    [Fact]
    public async Task ProducerAndConsumerGroup_ThroughOnePort_MoveEveryMessageThroughAllThreeBrokers()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        cluster.CreateTopic("sni-in", partitions: 6);
        await using var proxy = await SniProxy.StartAsync(cluster);

        using (var producer = Clients.Producer(proxy.Bootstrap, tune: proxy.Tls))
        {
            Clients.ProduceNumbered(producer, "sni-in", 900);
        }

        var config = new ConsumerConfig
        {
            BootstrapServers = proxy.Bootstrap,
            GroupId = "sni-group",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = 6000,
            EnableAutoCommit = false,
        };
        proxy.Tls(config);
        using var consumer = new ConsumerBuilder<string, string>(config).Build();
        consumer.Subscribe("sni-in");
        var values = Clients.Consume(consumer, 900).Select(r => r.Message.Value).ToHashSet();
        consumer.Commit();
        consumer.Close();

        Assert.Equal(Enumerable.Range(0, 900).Select(i => $"m-{i}").ToHashSet(), values);
        // Every broker was dialed through the one listener, under its own name.
        var routedTo = proxy.Metrics.Measurements.Where(m => m.Name == "proxy_opened_connections" && m.Value > 0).Select(m => m.Tags["broker"]).ToHashSet();
        Assert.True(cluster.Brokers.All(b => routedTo.Contains(b.Address)), $"connections routed to {string.Join(", ", routedTo)}");
        Assert.Single(proxy.Engine.Listeners);
    }

    [Theory]
    [InlineData("127.0.0.1", "sni_missing", "the client sent no server name")]
    [InlineData("other.localhost", "sni_unknown_name", "server name 'other.localhost' is neither bootstrap.kafka.localhost nor of the form broker-$(nodeId).kafka.localhost")]
    [InlineData("broker-01.kafka.localhost", "sni_unknown_name", "server name 'broker-01.kafka.localhost' is neither")]
    [InlineData("broker-7.kafka.localhost", "sni_unknown_node", "names node 7, which no response has named yet")]
    public async Task Connection_WithoutAKnownName_IsRefusedWithTheReasonLoggedAndCounted(string serverName, string reason, string logged)
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 3);
        await using var proxy = await SniProxy.StartAsync(cluster);
        using (var producer = Clients.Producer(proxy.Bootstrap, tune: proxy.Tls))
        {
            Clients.ProduceNumbered(producer, "learn", 10); // the proxy learns nodes 1-3, not 7
        }

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", proxy.Port);
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, CustomTrustStore = { proxy.Ca.Certificate }, RevocationMode = X509RevocationMode.NoCheck },
            // The names are wrong on purpose: the certificate must still be the proxy's.
            RemoteCertificateValidationCallback = (_, _, _, errors) => (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None,
        });
        var read = await Record.ExceptionAsync(async () =>
        {
            int n = await tls.ReadAsync(new byte[16]).AsTask().WaitAsync(Clients.Patience);
            Assert.Equal(0, n);
        });

        Assert.True(read is null or IOException, read?.ToString());
        string line = await proxy.Logs.WaitForLineAsync(logged);
        Assert.StartsWith("Warning 1023 ", line, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => proxy.Metrics.Sum("proxy_connections_refused_total", ("reason", reason)) == 1, () => $"one refusal counted as {reason}\n{proxy.Logs}");
    }

    [GeneratedRegex(@"broker (?<id>\d+) at (?<host>[^:\s]+):(?<port>\d+)")]
    private static partial Regex BrokerLine();
}
