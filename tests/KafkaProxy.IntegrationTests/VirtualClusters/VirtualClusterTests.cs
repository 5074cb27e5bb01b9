using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using KafkaProxy.IntegrationTests.Security;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.IntegrationTests.VirtualClusters;

/// <summary>
/// Two test clusters behind two virtual clusters of one proxy, configured from <c>KafkaProxy:Clusters</c> through
/// <c>AddKafkaProxy(configuration)</c> in a host: each client sees only its own cluster, and every measurement names it.
/// </summary>
public sealed partial class VirtualClusterTests
{
    private static readonly string[] Names = ["orders", "payments"];

    [Fact]
    public async Task StaticMappings_EachClusterOnItsOwnPorts_ClientsSeeOnlyTheirOwnTopicsAndMoveMessages()
    {
        await using var orders = await KafkaTestCluster.StartAsync(brokers: 1);
        await using var payments = await KafkaTestCluster.StartAsync(brokers: 1);
        KafkaTestCluster[] clusters = [orders, payments];
        var settings = new Dictionary<string, string?>();
        for (int i = 0; i < Names.Length; i++)
        {
            clusters[i].CreateTopic($"{Names[i]}-events", partitions: 2);
            settings[$"KafkaProxy:Clusters:{Names[i]}:Brokers"] = $"{clusters[i].Brokers[0].Address},127.0.0.1:0";
            settings[$"KafkaProxy:Clusters:{Names[i]}:DrainTimeout"] = "10s";
        }

        // One filter registered once serves both clusters, and tells their connections apart.
        var seen = new System.Collections.Concurrent.ConcurrentQueue<(string? Cluster, int Port)>();
        var watch = new Filters.LambdaFilter("which-cluster", (key, _) => key == 3, (request, _) =>
        {
            seen.Enqueue((request.Connection.VirtualCluster, ((System.Net.IPEndPoint)request.Connection.Listener!).Port));
            return ValueTask.CompletedTask;
        });
        await using var proxy = await RunningProxy.StartAsync(settings, watch);

        for (int i = 0; i < Names.Length; i++)
        {
            var listener = proxy.Engine(Names[i]).Listeners.Single();
            string bootstrap = listener.Advertised.ToString();
            using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
            {
                var topics = admin.GetMetadata(Clients.Patience).Topics.Select(t => t.Topic).ToList();
                Assert.Contains($"{Names[i]}-events", topics);
                Assert.DoesNotContain($"{Names[1 - i]}-events", topics);
            }

            await ProduceAndConsumeAsync(Names[i], bootstrap, tune: null);
        }

        Assert.NotEqual(proxy.Engine(Names[0]).Listeners.Single().Advertised.Port, proxy.Engine(Names[1]).Listeners.Single().Advertised.Port);
        for (int i = 0; i < Names.Length; i++)
        {
            int port = proxy.Engine(Names[i]).Listeners.Single().Advertised.Port;
            Assert.Contains(seen, s => s.Port == port);
            Assert.All(seen.Where(s => s.Port == port), s => Assert.Equal(Names[i], s.Cluster));
        }

        proxy.AssertEveryMeasurementNamesItsCluster(Names);
        var ready = await proxy.ReadinessAsync();
        Assert.True(ready.Status == HealthStatus.Healthy, ready.Description);
        Assert.StartsWith("orders: ", ready.Description, StringComparison.Ordinal);
        Assert.Contains(" payments: ", ready.Description, StringComparison.Ordinal);

        orders.SetBrokerDown(orders.Brokers[0].Id);
        var notReady = await proxy.ReadinessAsync();
        Assert.Equal(HealthStatus.Unhealthy, notReady.Status);
        Assert.Equal("Virtual cluster orders: No broker accepted a connection.", notReady.Description);
    }

    [Fact]
    public async Task SniMode_TwoClustersOnOneSharedPort_KcatListsOnlyItsClustersBrokersAndClientsMoveMessages()
    {
        await using var orders = await KafkaTestCluster.StartAsync(brokers: 3);
        await using var payments = await KafkaTestCluster.StartAsync(brokers: 3);
        KafkaTestCluster[] clusters = [orders, payments];
        using var pki = new TestPki();
        var ca = pki.CreateAuthority("vc-ca");
        var settings = SharedSniSettings(clusters, pki, ca);
        foreach (var (cluster, name) in clusters.Zip(Names))
        {
            cluster.CreateTopic($"{name}-events", partitions: 6);
        }

        await using var proxy = await RunningProxy.StartAsync(settings);
        int port = proxy.Engine(Names[0]).Listeners.Single().Advertised.Port;
        Assert.Equal(port, proxy.Engine(Names[1]).Listeners.Single().Advertised.Port);

        for (int i = 0; i < Names.Length; i++)
        {
            string name = Names[i];
            string bootstrap = $"bootstrap.{name}.kafka.localhost:{port.ToString(CultureInfo.InvariantCulture)}";
            var listing = await ExternalProcess.RunAsync(
                "kcat", ["-L", "-b", bootstrap, "-X", "security.protocol=ssl", "-X", $"ssl.ca.location={ca.CertFile}", "-X", "broker.address.family=v4"], Clients.Patience);

            Assert.True(listing.ExitCode == 0, $"{listing}\n{proxy.Logs}");
            var brokers = BrokerLine().Matches(listing.StandardOutput).Select(m => (Id: m.Groups["id"].Value, Host: m.Groups["host"].Value, Port: int.Parse(m.Groups["port"].Value, CultureInfo.InvariantCulture))).ToList();
            Assert.Equal(clusters[i].Brokers.Select(b => b.Id.ToString(CultureInfo.InvariantCulture)).Order(), brokers.Select(b => b.Id).Order());
            Assert.All(brokers, b => Assert.Equal(($"broker-{b.Id}.{name}.kafka.localhost", port), (b.Host, b.Port)));
            Assert.Contains($"topic \"{name}-events\"", listing.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain($"topic \"{Names[1 - i]}-events\"", listing.StandardOutput, StringComparison.Ordinal);

            await ProduceAndConsumeAsync(name, bootstrap, config =>
            {
                config.SecurityProtocol = SecurityProtocol.Ssl;
                config.SslCaLocation = ca.CertFile;
                config.BrokerAddressFamily = BrokerAddressFamily.V4;
            });

            // Every broker of the cluster was reached through the shared port, under its own name.
            var routedTo = proxy.Metrics.Measurements
                .Where(m => m.Name == "proxy_opened_connections" && m.Value > 0 && m.Tags.GetValueOrDefault("virtual_cluster") == name)
                .Select(m => m.Tags["broker"]).ToHashSet();
            Assert.True(clusters[i].Brokers.All(b => routedTo.Contains(b.Address)), $"{name}: connections routed to {string.Join(", ", routedTo)}");
        }

        proxy.AssertEveryMeasurementNamesItsCluster(Names);
    }

    [Fact]
    public async Task SharedSniPort_NameOfNoClusterOrNoTls_IsRefusedWithTheReasonLogged()
    {
        await using var orders = await KafkaTestCluster.StartAsync(brokers: 1);
        await using var payments = await KafkaTestCluster.StartAsync(brokers: 1);
        using var pki = new TestPki();
        var ca = pki.CreateAuthority("vc-ca");
        await using var proxy = await RunningProxy.StartAsync(SharedSniSettings([orders, payments], pki, ca));
        int port = proxy.Engine(Names[0]).Listeners.Single().Advertised.Port;

        // A name neither cluster claims goes to the first cluster of the listener, whose SNI routing refuses it.
        using (var socket = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync("127.0.0.1", port);
            await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "bootstrap.shipping.kafka.localhost",
                // The name is wrong on purpose: the certificate must still be one of the proxy's.
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.Issuer == ca.Certificate.Subject,
            });
            var read = await Record.ExceptionAsync(async () => Assert.Equal(0, await tls.ReadAsync(new byte[16]).AsTask().WaitAsync(Clients.Patience)));
            Assert.True(read is null or IOException, read?.ToString());
        }

        await proxy.Logs.WaitForLineAsync("server name 'bootstrap.shipping.kafka.localhost' is neither bootstrap.orders.kafka.localhost nor of the form broker-$(nodeId).orders.kafka.localhost");
        await Eventually.TrueAsync(
            () => proxy.Metrics.Sum("proxy_connections_refused_total", ("reason", "sni_unknown_name"), ("virtual_cluster", "orders")) == 1,
            () => $"one refusal counted for orders\n{proxy.Logs}");

        // A client that speaks no TLS is closed by the listener itself.
        using (var socket = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync("127.0.0.1", port);
            await socket.SendAsync(new byte[] { 0, 0, 0, 10, 0, 18, 0, 3, 0, 0, 0, 1, 0, 0 });
            Assert.Equal(0, await socket.ReceiveAsync(new byte[16]).WaitAsync(Clients.Patience));
        }

        string line = await proxy.Logs.WaitForLineAsync("its first bytes are not a TLS ClientHello");
        Assert.StartsWith("Warning 1035 ", line, StringComparison.Ordinal);
    }

    // Two clusters in SNI mode on one listener (127.0.0.1, any port), named by $(virtualCluster), each with a certificate
    // of its own from ca: a client of one cluster's names would not trust the other's.
    private static Dictionary<string, string?> SharedSniSettings(KafkaTestCluster[] clusters, TestPki pki, TestPki.Authority ca)
    {
        var settings = new Dictionary<string, string?>();
        for (int i = 0; i < Names.Length; i++)
        {
            var server = pki.Issue(ca, $"vc-{Names[i]}", [$"*.{Names[i]}.kafka.localhost"]);
            string section = $"KafkaProxy:Clusters:{Names[i]}";
            settings[$"{section}:Sni:ListenerAddress"] = "127.0.0.1:0";
            settings[$"{section}:Sni:BootstrapHost"] = "bootstrap.$(virtualCluster).kafka.localhost";
            settings[$"{section}:Sni:HostPattern"] = "broker-$(nodeId).$(virtualCluster).kafka.localhost";
            settings[$"{section}:Sni:UpstreamBootstrapServers"] = clusters[i].Brokers[0].Address;
            settings[$"{section}:ClientTls:Enabled"] = "true";
            settings[$"{section}:ClientTls:CertFile"] = server.CertFile;
            settings[$"{section}:ClientTls:KeyFile"] = server.KeyFile;
            settings[$"{section}:DrainTimeout"] = "10s";
        }

        return settings;
    }

    private static async Task ProduceAndConsumeAsync(string cluster, string bootstrap, Action<ClientConfig>? tune)
    {
        string topic = $"{cluster}-events";
        using (var producer = Clients.Producer(bootstrap, tune: tune))
        {
            Clients.ProduceNumbered(producer, topic, 300, prefix: cluster);
        }

        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = $"{cluster}-group",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = 6000,
            EnableAutoCommit = false,
        };
        tune?.Invoke(config);
        using var consumer = new ConsumerBuilder<string, string>(config).Build();
        consumer.Subscribe(topic);
        var values = await Task.Run(() => Clients.Consume(consumer, 300).Select(r => r.Message.Value).ToHashSet());
        consumer.Commit();
        consumer.Close();
        Assert.Equal(Enumerable.Range(0, 300).Select(n => $"{cluster}-{n}").ToHashSet(), values);
    }

    [GeneratedRegex(@"broker (?<id>\d+) at (?<host>[^:\s]+):(?<port>\d+)")]
    private static partial Regex BrokerLine();

    /// <summary>A host running <c>AddKafkaProxy(configuration)</c> over in-memory settings, with its logs and metrics captured.</summary>
    private sealed class RunningProxy : IAsyncDisposable
    {
        private readonly IHost _host;

        private RunningProxy(IHost host, MetricCapture metrics, CapturingLoggerProvider logs)
        {
            _host = host;
            Metrics = metrics;
            Logs = logs;
        }

        public MetricCapture Metrics { get; }

        public CapturingLoggerProvider Logs { get; }

        public static async Task<RunningProxy> StartAsync(Dictionary<string, string?> settings, Core.Filters.IKafkaFilter? filter = null)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            var metrics = new MetricCapture();
            var logs = new CapturingLoggerProvider();
            var host = new HostBuilder()
                .ConfigureLogging(logging => logging.AddProvider(logs))
                .ConfigureServices(services =>
                {
                    services.AddSingleton(metrics.Factory);
                    var proxy = services.AddKafkaProxy(configuration.GetSection("KafkaProxy"));
                    if (filter is not null)
                    {
                        proxy.AddFilter(_ => filter);
                    }
                })
                .Build();
            await host.StartAsync();
            return new RunningProxy(host, metrics, logs);
        }

        public Task<HealthCheckResult> ReadinessAsync() =>
            new Http.Health.ProxyReadinessCheck(_host.Services).CheckHealthAsync(new HealthCheckContext());

        public Core.Proxy.ProxyEngine Engine(string name) =>
            _host.Services.GetRequiredService<Core.Proxy.VirtualClusters>().Engines.Single(e => e.Name == name).Engine;

        /// <summary>Each cluster was measured, and no measurement lacks the virtual_cluster tag.</summary>
        public void AssertEveryMeasurementNamesItsCluster(string[] names)
        {
            foreach (string name in names)
            {
                Assert.True(Metrics.Sum("proxy_connections_total", ("virtual_cluster", name)) > 0, $"no connection of {name} counted");
                Assert.True(Metrics.Sum("proxy_requests_total", ("virtual_cluster", name)) > 0, $"no request of {name} counted");
            }

            Assert.All(Metrics.Measurements, m => Assert.True(m.Tags.TryGetValue("virtual_cluster", out string? v) && names.Contains(v), $"{m.Name} {string.Join(",", m.Tags)}"));
        }

        public async ValueTask DisposeAsync()
        {
            await _host.StopAsync();
            _host.Dispose();
            Metrics.Dispose();
        }
    }
}
