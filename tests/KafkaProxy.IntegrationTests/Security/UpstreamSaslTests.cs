using Confluent.Kafka;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Testing;
using KafkaProxy.Testing.Sasl;

namespace KafkaProxy.IntegrationTests.Security;

/// <summary>SASL toward the brokers, against the SASL front (itself checked against kcat and Confluent.Kafka).</summary>
public sealed class UpstreamSaslTests
{
    private const string Password = "front-password-8d1f";

    private sealed record Setup(KafkaTestCluster Cluster, SaslFront Front, ProxyInFront Proxy) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Proxy.DisposeAsync();
            await Front.DisposeAsync();
            await Cluster.DisposeAsync();
        }
    }

    private static async Task<Setup> StartAsync(Action<UpstreamSaslOptions> sasl, Action<SaslFrontOptions>? front = null, Action<KafkaProxyOptions>? proxy = null)
    {
        var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        var frontOptions = new SaslFrontOptions();
        frontOptions.Users["proxy-user"] = Password;
        front?.Invoke(frontOptions);
        var saslFront = SaslFront.Start(cluster.Brokers[0].Host, cluster.Brokers[0].Port, frontOptions);
        cluster.SetAdvertisedAddress(1, saslFront.Host, saslFront.Port);
        var advertised = new TestBroker(1, saslFront.Host, saslFront.Port);
        var proxyInFront = await ProxyInFront.StartAsync(advertised, saslFront.Address, o =>
        {
            o.UpstreamSasl.Enabled = true;
            o.UpstreamSasl.Username = "proxy-user";
            o.UpstreamSasl.Password = Password;
            sasl(o.UpstreamSasl);
            proxy?.Invoke(o);
        });
        return new Setup(cluster, saslFront, proxyInFront);
    }

    [Theory]
    [InlineData("PLAIN", 1)]
    [InlineData("SCRAM-SHA-256", 1)]
    [InlineData("SCRAM-SHA-512", 1)]
    [InlineData("PLAIN", 0)]
    [InlineData("SCRAM-SHA-512", 0)]
    public async Task ProduceAndConsume_ClientWithoutSasl_ProxyAuthenticatesEveryBrokerConnection(string mechanism, short handshakeVersion)
    {
        await using var setup = await StartAsync(s => (s.Mechanism, s.HandshakeVersion) = (mechanism, handshakeVersion));
        setup.Cluster.CreateTopic("authed", partitions: 2);

        using (var producer = Clients.Producer(setup.Proxy.Bootstrap))
        {
            Clients.ProduceNumbered(producer, "authed", 300);
        }

        using var consumer = Clients.Consumer(setup.Proxy.Bootstrap, "authed-readers");
        consumer.Subscribe("authed");
        Assert.Equal(300, Clients.Consume(consumer, 300).Select(r => r.Message.Value).Distinct().Count());
        Assert.True(setup.Front.Authentications >= 2, $"{setup.Front.Authentications} authentications");
        Assert.Equal(0, setup.Front.Refusals);
    }

    [Theory]
    [InlineData("PLAIN", 1, "Invalid username or password")]
    [InlineData("SCRAM-SHA-256", 1, "invalid credentials with SASL mechanism SCRAM-SHA-256")]
    [InlineData("PLAIN", 0, "handshake v0 carries no reason")]
    public async Task Connect_WrongPassword_ClosesTheClientAndLogsTheBrokersMessage(string mechanism, short handshakeVersion, string logged)
    {
        await using var setup = await StartAsync(s => (s.Mechanism, s.HandshakeVersion, s.Password) = (mechanism, handshakeVersion, "wrong-password-5e2a"));

        await setup.Proxy.AssertConnectionClosedAsync();

        string line = await setup.Proxy.WaitForLogAsync(logged);
        Assert.StartsWith("Warning 1013 ", line, StringComparison.Ordinal);
        Assert.Contains(setup.Front.Address, line, StringComparison.Ordinal);
        Assert.Equal(1, setup.Proxy.Metrics.Sum("proxy_upstream_security_failures_total", ("broker", setup.Front.Address), ("stage", "sasl")));
        Assert.DoesNotContain(setup.Proxy.Logs.Lines, l => l.Contains("wrong-password-5e2a", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connect_MechanismTheBrokerDoesNotOffer_SaysWhichItOffers()
    {
        await using var setup = await StartAsync(s => s.Mechanism = "SCRAM-SHA-512", front: f =>
        {
            f.Mechanisms.Clear();
            f.Mechanisms.Add("PLAIN");
        });

        await setup.Proxy.AssertConnectionClosedAsync();

        string line = await setup.Proxy.WaitForLogAsync("refused SASL mechanism SCRAM-SHA-512");
        Assert.Contains("it offers [PLAIN]: set KafkaProxy:UpstreamSasl:Mechanism to one of them", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_CredentialsFromJaasFileReadableByOthers_AuthenticatesAndWarnsAboutTheFile()
    {
        using var pki = new TestPki();
        string jaas = pki.Write("client.jaas", $"KafkaClient {{ org.apache.kafka.common.security.plain.PlainLoginModule required username=\"proxy-user\" password=\"{Password}\"; }};");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(jaas, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        await using var setup = await StartAsync(s => (s.Username, s.Password, s.JaasConfigFile) = (null, null, jaas));

        await setup.Proxy.AssertAnswersAsync();

        Assert.Contains(setup.Proxy.Logs.Lines, l => l.StartsWith("Warning 2002 ", StringComparison.Ordinal) && l.Contains("chmod 600", StringComparison.Ordinal));
        Assert.Contains(setup.Proxy.Logs.Lines, l => l.StartsWith("Warning 2003 ", StringComparison.Ordinal)); // PLAIN without TLS
        Assert.Equal(1, setup.Front.Authentications);
    }

    [Fact]
    public async Task ClientWithItsOwnSasl_ThroughAnAuthenticatingProxy_IsClosedWithAnExplanation()
    {
        await using var setup = await StartAsync(s => s.Mechanism = "SCRAM-SHA-256");

        var listing = await ExternalProcess.RunAsync("kcat",
            ["-b", setup.Proxy.Bootstrap, "-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanisms=PLAIN", "-X", "sasl.username=x", "-X", "sasl.password=y", "-L", "-m", "5"],
            Clients.Patience);

        Assert.NotEqual(0, listing.ExitCode);
        string line = await setup.Proxy.WaitForLogAsync("the proxy authenticates to the brokers itself");
        Assert.Contains("SaslHandshake (api key 17)", line, StringComparison.Ordinal);
        Assert.True(setup.Proxy.Metrics.Sum("proxy_requests_refused_total", ("api_key", "17"), ("reason", "sasl_by_proxy")) >= 1);
    }
}
