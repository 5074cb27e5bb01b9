using Confluent.Kafka;
using KafkaProxy.Testing.Sasl;

namespace KafkaProxy.Testing.Tests;

/// <summary>
/// The SASL front checked against clients with SASL implementations of their own (kcat's librdkafka, Confluent.Kafka),
/// before the proxy's SASL is tested against it.
/// </summary>
public sealed class SaslFrontTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static async Task<(KafkaTestCluster Cluster, SaslFront Front)> StartAsync(TimeSpan? sessionLifetime = null)
    {
        var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        var options = new SaslFrontOptions { SessionLifetime = sessionLifetime };
        options.Users["alice"] = "alice-secret";
        options.Users["bob,=odd"] = "bob-secret";
        var front = SaslFront.Start(cluster.Brokers[0].Host, cluster.Brokers[0].Port, options);
        cluster.SetAdvertisedAddress(1, front.Host, front.Port);
        return (cluster, front);
    }

    private static Task<ExternalProcess> KcatAsync(SaslFront front, string mechanism, string user, string password, string[] mode, string? input = null) =>
        ExternalProcess.RunAsync("kcat",
            ["-b", front.Address, "-X", "security.protocol=SASL_PLAINTEXT", "-X", $"sasl.mechanisms={mechanism}", "-X", $"sasl.username={user}", "-X", $"sasl.password={password}", .. mode],
            Patience, input);

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("SCRAM-SHA-512")]
    public async Task Kcat_RightPassword_ProducesAndConsumesThroughTheFront(string mechanism)
    {
        var (cluster, front) = await StartAsync();
        await using var clusterScope = cluster;
        await using var frontScope = front;
        cluster.CreateTopic("t", partitions: 1);

        var produced = await KcatAsync(front, mechanism, "alice", "alice-secret", ["-P", "-t", "t"], "one\ntwo\nthree\n");
        var consumed = await KcatAsync(front, mechanism, "alice", "alice-secret", ["-C", "-t", "t", "-o", "beginning", "-c", "3", "-e"]);

        Assert.True(produced.ExitCode == 0, produced.ToString());
        Assert.Equal(["one", "two", "three"], consumed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(front.Authentications >= 2, $"{front.Authentications} authentications");
        Assert.Equal(0, front.Refusals);
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("SCRAM-SHA-256")]
    public async Task Kcat_WrongPassword_IsRefused(string mechanism)
    {
        var (cluster, front) = await StartAsync();
        await using var clusterScope = cluster;
        await using var frontScope = front;

        var listing = await KcatAsync(front, mechanism, "alice", "not-her-password", ["-L", "-m", "5"]);

        Assert.NotEqual(0, listing.ExitCode);
        Assert.Contains("Authentication failed", listing.StandardError, StringComparison.Ordinal);
        Assert.True(front.Refusals >= 1);
        Assert.Equal(0, front.Authentications);
    }

    [Fact]
    public async Task Kcat_WithoutSasl_CannotListTheCluster()
    {
        var (cluster, front) = await StartAsync();
        await using var clusterScope = cluster;
        await using var frontScope = front;

        var listing = await ExternalProcess.RunAsync("kcat", ["-b", front.Address, "-L", "-m", "5"], Patience);

        Assert.NotEqual(0, listing.ExitCode);
        Assert.True(front.Refusals >= 1);
    }

    [Fact]
    public async Task Confluent_ScramUserWithEscapedName_ProducesAndConsumes()
    {
        var (cluster, front) = await StartAsync();
        await using var clusterScope = cluster;
        await using var frontScope = front;
        cluster.CreateTopic("escaped", partitions: 1);

        using (var producer = Clients.Producer(front.Address, tune: c => Sasl(c, SaslMechanism.ScramSha512, "bob,=odd", "bob-secret")))
        {
            Clients.ProduceNumbered(producer, "escaped", 50);
        }

        using var consumer = new ConsumerBuilder<string, string>(Sasl(new ConsumerConfig
        {
            BootstrapServers = front.Address,
            GroupId = "g",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = 6000,
        }, SaslMechanism.ScramSha512, "bob,=odd", "bob-secret")).Build();
        consumer.Subscribe("escaped");
        Assert.Equal(50, Clients.Consume(consumer, 50).Count);
    }

    [Fact]
    public async Task Confluent_StreamingLongerThanSeveralSessionLifetimes_ReauthenticatesAndLosesNothing()
    {
        var (cluster, front) = await StartAsync(sessionLifetime: TimeSpan.FromSeconds(2));
        await using var clusterScope = cluster;
        await using var frontScope = front;
        cluster.CreateTopic("long", partitions: 1);

        using (var producer = Clients.Producer(front.Address, tune: c => Sasl(c, SaslMechanism.ScramSha256, "alice", "alice-secret")))
        {
            int sent = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (front.Reauthentications < 3)
            {
                Assert.True(clock.Elapsed < Patience, $"{front.Reauthentications} re-authentications within {Patience}");
                await producer.ProduceAsync("long", new Message<string, string> { Key = "k", Value = $"v{sent++}" });
            }

            Assert.Equal(0, producer.Flush(Patience));
            Assert.Equal(0, front.ExpiredSessions);

            using var consumer = new ConsumerBuilder<string, string>(Sasl(new ConsumerConfig
            {
                BootstrapServers = front.Address,
                GroupId = "g",
                AutoOffsetReset = AutoOffsetReset.Earliest,
                SessionTimeoutMs = 6000,
            }, SaslMechanism.ScramSha256, "alice", "alice-secret")).Build();
            consumer.Subscribe("long");
            Assert.Equal(Enumerable.Range(0, sent).Select(i => $"v{i}"), Clients.Consume(consumer, sent).Select(r => r.Message.Value));
        }
    }

    private static T Sasl<T>(T config, SaslMechanism mechanism, string user, string password)
        where T : ClientConfig
    {
        config.SecurityProtocol = SecurityProtocol.SaslPlaintext;
        config.SaslMechanism = mechanism;
        config.SaslUsername = user;
        config.SaslPassword = password;
        return config;
    }
}
