using Confluent.Kafka;
using KafkaProxy.Core.Proxy;
using KafkaProxy.Core.Security;
using KafkaProxy.IntegrationTests.Security;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.IntegrationTests.Filters;

/// <summary>
/// The filter sample (samples/KafkaProxy.FilterSample) as a user runs it: a host with the sample's registration and its
/// options from configuration, a real producer through the proxy. Allowed topics are written (read back from the cluster
/// itself); others get TOPIC_AUTHORIZATION_FAILED and nothing reaches them.
/// </summary>
public sealed class TopicAllowListSampleTests
{
    [Fact]
    public async Task Anonymous_AllowedTopicDelivered_OtherTopicRefusedWithTopicAuthorizationFailed()
    {
        await using var proxy = await SampleProxy.StartAsync(new()
        {
            ["KafkaProxy:Filters:TopicAllowList:Anonymous:0"] = "orders",
            ["KafkaProxy:Filters:TopicAllowList:Principals:alice:0"] = "payments",
        });

        using (var allowed = Clients.Producer(proxy.Bootstrap))
        {
            var delivered = await allowed.ProduceAsync("orders", new Message<string, string> { Key = "k", Value = "allowed" });
            Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        }

        using (var other = Clients.Producer(proxy.Bootstrap, idempotent: false))
        {
            var refused = await Assert.ThrowsAsync<ProduceException<string, string>>(() => other.ProduceAsync("payments", new Message<string, string> { Key = "k", Value = "refused" }));
            Assert.Equal(ErrorCode.TopicAuthorizationFailed, refused.Error.Code);
        }

        Assert.Equal(1, proxy.HighWatermark("orders"));
        Assert.Equal(0, proxy.HighWatermark("payments"));
        await proxy.Logs.WaitForLineAsync("refused, an unauthenticated client may not produce to payments");
        await proxy.Logs.WaitForLineAsync("filter 'topic-allow-list' refused api key 0 v");
    }

    [Fact]
    public async Task TwoPrincipals_EachWritesOnlyItsOwnTopics()
    {
        await using var proxy = await SampleProxy.StartAsync(
            new()
            {
                ["KafkaProxy:Filters:TopicAllowList:Principals:alice:0"] = "orders",
                ["KafkaProxy:Filters:TopicAllowList:Principals:bob:0"] = "payments",
            },
            users: [("alice", "alice-SECRET-1"), ("bob", "bob-SECRET-2")]);

        foreach (var (user, password, own, others) in new[] { ("alice", "alice-SECRET-1", "orders", "payments"), ("bob", "bob-SECRET-2", "payments", "orders") })
        {
            using (var producer = Clients.Producer(proxy.Bootstrap, tune: c => AuthenticatingProxy.Authenticate(c, "SCRAM-SHA-256", user, password)))
            {
                var delivered = await producer.ProduceAsync(own, new Message<string, string> { Key = user, Value = $"{user} writes {own}" });
                Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
            }

            using var refusedProducer = Clients.Producer(proxy.Bootstrap, idempotent: false, tune: c => AuthenticatingProxy.Authenticate(c, "PLAIN", user, password));
            var refused = await Assert.ThrowsAsync<ProduceException<string, string>>(() => refusedProducer.ProduceAsync(others, new Message<string, string> { Key = user, Value = "refused" }));
            Assert.Equal(ErrorCode.TopicAuthorizationFailed, refused.Error.Code);
            await proxy.Logs.WaitForLineAsync($"refused, principal '{user}' may not produce to {others}");
        }

        // One record each, written by the principal allowed to: nothing refused reached the cluster.
        Assert.Equal(1, proxy.HighWatermark("orders"));
        Assert.Equal(1, proxy.HighWatermark("payments"));
    }

    private sealed class SampleProxy : IAsyncDisposable
    {
        private readonly IHost _host;
        private readonly string? _directory;

        private SampleProxy(KafkaTestCluster cluster, IHost host, string? directory, CapturingLoggerProvider logs)
        {
            Cluster = cluster;
            _host = host;
            _directory = directory;
            Logs = logs;
        }

        public KafkaTestCluster Cluster { get; }

        public CapturingLoggerProvider Logs { get; }

        public string Bootstrap => _host.Services.GetRequiredService<ProxyEngine>().Listeners.First(l => !l.IsDynamic).Advertised.ToString();

        /// <summary>A one-broker cluster with "orders" and "payments", behind the sample's host; with <paramref name="users"/>, clients authenticate at the proxy.</summary>
        public static async Task<SampleProxy> StartAsync(Dictionary<string, string?> settings, (string User, string Password)[]? users = null)
        {
            var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
            cluster.CreateTopic("orders");
            cluster.CreateTopic("payments");
            var broker = cluster.Brokers[0];
            settings["KafkaProxy:Brokers:0"] = $"{broker.Host}:{broker.Port},127.0.0.1:0";
            string? directory = null;
            if (users is not null)
            {
                directory = Directory.CreateTempSubdirectory("kafka-proxy-allow-list-").FullName;
                string file = Path.Combine(directory, "users.txt");
                await File.WriteAllLinesAsync(file, users.SelectMany(u => ClientCredentialFile.CreateLines(u.User, u.Password, iterations: 4096)));
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                settings["KafkaProxy:ClientAuth:Enabled"] = "true";
                settings["KafkaProxy:ClientAuth:CredentialsFile"] = file;
            }

            // As the sample's Program.cs composes it, with the configuration in memory and the log captured.
            var logs = new CapturingLoggerProvider();
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
            builder.Services.AddKafkaProxy(builder.Configuration.GetSection("KafkaProxy")).AddTopicAllowList();
            var host = builder.Build();
            await host.StartAsync();
            return new SampleProxy(cluster, host, directory, logs);
        }

        /// <summary>The end offset of the topic's partition 0, read from the cluster itself, not through the proxy.</summary>
        public long HighWatermark(string topic)
        {
            using var direct = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Cluster.BootstrapServers, GroupId = "watermarks" }).Build();
            return direct.QueryWatermarkOffsets(new TopicPartition(topic, 0), Clients.Patience).High.Value;
        }

        public async ValueTask DisposeAsync()
        {
            await _host.StopAsync();
            _host.Dispose();
            await Cluster.DisposeAsync();
            if (_directory is not null)
            {
                Directory.Delete(_directory, recursive: true);
            }
        }
    }
}
