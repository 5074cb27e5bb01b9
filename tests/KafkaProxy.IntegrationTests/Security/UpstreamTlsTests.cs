using Confluent.Kafka;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Testing;

namespace KafkaProxy.IntegrationTests.Security;

/// <summary>TLS toward the brokers, against a real TLS server (stunnel4) in front of a test-cluster broker.</summary>
public sealed class UpstreamTlsTests
{
    private const string FailureMetric = "proxy_upstream_security_failures_total";

    [Fact]
    public async Task ProduceAndConsume_TrustedChain_FlowThroughTls()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        cluster.CreateTopic("secure", partitions: 2);
        using var pki = new TestPki();
        var ca = pki.CreateAuthority("ca");
        await using var tunnel = await Stunnel.StartAsync(pki, cluster.Brokers[0].Port, pki.Issue(ca, "broker", ["127.0.0.1"]));
        await using var proxy = await ProxyInFront.StartAsync(cluster.Brokers[0], tunnel.Address, o =>
        {
            o.UpstreamTls.Enabled = true;
            o.UpstreamTls.CaChainCertFile = ca.CertFile;
        });

        using (var producer = Clients.Producer(proxy.Bootstrap))
        {
            Clients.ProduceNumbered(producer, "secure", 500);
        }

        using var consumer = Clients.Consumer(proxy.Bootstrap, "tls-readers");
        consumer.Subscribe("secure");
        Assert.Equal(500, Clients.Consume(consumer, 500).Select(r => r.Message.Value).Distinct().Count());
        Assert.Equal(0, proxy.Metrics.Sum(FailureMetric));
    }

    [Fact]
    public async Task Connect_CertificateFromAnotherCa_ClosesTheClientAndLogsUnknownCaForTheBroker()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        using var pki = new TestPki();
        var brokerCa = pki.CreateAuthority("broker-ca");
        var otherCa = pki.CreateAuthority("other-ca");
        await using var tunnel = await Stunnel.StartAsync(pki, cluster.Brokers[0].Port, pki.Issue(brokerCa, "broker", ["127.0.0.1"]));
        await using var proxy = await ProxyInFront.StartAsync(cluster.Brokers[0], tunnel.Address, o =>
        {
            o.UpstreamTls.Enabled = true;
            o.UpstreamTls.CaChainCertFile = otherCa.CertFile;
        });

        await proxy.AssertConnectionClosedAsync();

        string line = await proxy.WaitForLogAsync("TLS handshake failed");
        Assert.Contains(cluster.Brokers[0].Address, line, StringComparison.Ordinal);
        Assert.Contains("signed by an unknown CA", line, StringComparison.Ordinal);
        Assert.Contains("CN=broker-ca", line, StringComparison.Ordinal);
        Assert.Equal(1, proxy.Metrics.Sum(FailureMetric, ("broker", cluster.Brokers[0].Address), ("stage", "tls")));
    }

    [Fact]
    public async Task Connect_ExpiredCertificate_IsRefusedAsExpired()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        using var pki = new TestPki();
        var ca = pki.CreateAuthority("ca");
        await using var tunnel = await Stunnel.StartAsync(pki, cluster.Brokers[0].Port, pki.Issue(ca, "broker", ["127.0.0.1"], expired: true));
        await using var proxy = await ProxyInFront.StartAsync(cluster.Brokers[0], tunnel.Address, o =>
        {
            o.UpstreamTls.Enabled = true;
            o.UpstreamTls.CaChainCertFile = ca.CertFile;
        });

        await proxy.AssertConnectionClosedAsync();

        string line = await proxy.WaitForLogAsync("TLS handshake failed");
        Assert.Contains("expired or not yet valid", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_CertificateForAnotherHost_IsRefusedAsNameMismatch()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        using var pki = new TestPki();
        var ca = pki.CreateAuthority("ca");
        await using var tunnel = await Stunnel.StartAsync(pki, cluster.Brokers[0].Port, pki.Issue(ca, "elsewhere", ["elsewhere.example"]));
        await using var proxy = await ProxyInFront.StartAsync(cluster.Brokers[0], tunnel.Address, o =>
        {
            o.UpstreamTls.Enabled = true;
            o.UpstreamTls.CaChainCertFile = ca.CertFile;
        });

        await proxy.AssertConnectionClosedAsync();

        string line = await proxy.WaitForLogAsync("TLS handshake failed");
        Assert.Contains("does not name", line, StringComparison.Ordinal);
        Assert.Contains("KafkaProxy:UpstreamTls:ServerName", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ServerNameOverride_AcceptsTheCertificateOfThatName()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        using var pki = new TestPki();
        var ca = pki.CreateAuthority("ca");
        await using var tunnel = await Stunnel.StartAsync(pki, cluster.Brokers[0].Port, pki.Issue(ca, "kafka", ["kafka.internal.example"]));
        await using var proxy = await ProxyInFront.StartAsync(cluster.Brokers[0], tunnel.Address, o =>
        {
            o.UpstreamTls.Enabled = true;
            o.UpstreamTls.CaChainCertFile = ca.CertFile;
            o.UpstreamTls.ServerName = "kafka.internal.example";
        });

        await proxy.AssertAnswersAsync();
    }

    [Fact]
    public async Task Connect_InsecureSkipVerify_AcceptsAnUntrustedCertificateAndWarnsLoudly()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        using var pki = new TestPki();
        var ca = pki.CreateAuthority("ca");
        await using var tunnel = await Stunnel.StartAsync(pki, cluster.Brokers[0].Port, pki.Issue(ca, "elsewhere", ["elsewhere.example"], expired: true));
        await using var proxy = await ProxyInFront.StartAsync(cluster.Brokers[0], tunnel.Address, o =>
        {
            o.UpstreamTls.Enabled = true;
            o.UpstreamTls.InsecureSkipVerify = true;
        });

        await proxy.AssertAnswersAsync();

        Assert.Contains(proxy.Logs.Lines, l => l.StartsWith("Warning 2001 ", StringComparison.Ordinal) && l.Contains("NOT verified", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProduceAndConsume_MutualTlsWithEncryptedClientKey_FlowThroughTls()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        cluster.CreateTopic("mtls", partitions: 1);
        using var pki = new TestPki();
        var ca = pki.CreateAuthority("ca");
        var clientCa = pki.CreateAuthority("client-ca");
        var client = pki.Issue(clientCa, "proxy", ["proxy.example"], keyPassword: "key-secret-3141");
        await using var tunnel = await Stunnel.StartAsync(pki, cluster.Brokers[0].Port, pki.Issue(ca, "broker", ["127.0.0.1"]), clientCa.CertFile);
        await using var proxy = await ProxyInFront.StartAsync(cluster.Brokers[0], tunnel.Address, o =>
        {
            o.UpstreamTls.Enabled = true;
            o.UpstreamTls.CaChainCertFile = ca.CertFile;
            o.UpstreamTls.ClientCertFile = client.CertFile;
            o.UpstreamTls.ClientKeyFile = client.KeyFile;
            o.UpstreamTls.ClientKeyPassword = "key-secret-3141";
        });

        using (var producer = Clients.Producer(proxy.Bootstrap))
        {
            Clients.ProduceNumbered(producer, "mtls", 100);
        }

        using var consumer = Clients.Consumer(proxy.Bootstrap, "mtls-readers");
        consumer.Subscribe("mtls");
        Assert.Equal(100, Clients.Consume(consumer, 100).Count);
        Assert.DoesNotContain(proxy.Logs.Lines, l => l.Contains("key-secret-3141", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connect_MutualTlsRequiredButNoClientCertificate_ClosesTheClientConnection()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        using var pki = new TestPki();
        var ca = pki.CreateAuthority("ca");
        var clientCa = pki.CreateAuthority("client-ca");
        await using var tunnel = await Stunnel.StartAsync(pki, cluster.Brokers[0].Port, pki.Issue(ca, "broker", ["127.0.0.1"]), clientCa.CertFile);
        await using var proxy = await ProxyInFront.StartAsync(cluster.Brokers[0], tunnel.Address, o =>
        {
            o.UpstreamTls.Enabled = true;
            o.UpstreamTls.CaChainCertFile = ca.CertFile;
        });

        await proxy.AssertConnectionClosedAsync();

        string line = await proxy.WaitForLogAsync("asked for a TLS client certificate");
        Assert.Contains(cluster.Brokers[0].Address, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsFailureOnOneBroker_ClosesOnlyItsOwnConnections()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        cluster.CreateTopic("steady", partitions: 1);
        using var pki = new TestPki();
        var ca = pki.CreateAuthority("ca");
        await using var good = await Stunnel.StartAsync(pki, cluster.Brokers[0].Port, pki.Issue(ca, "broker", ["127.0.0.1"]));
        await using var expired = await Stunnel.StartAsync(pki, cluster.Brokers[0].Port, pki.Issue(ca, "old", ["127.0.0.1"], expired: true));
        var broken = new HostPort("127.0.0.1", 1);
        await using var proxy = await ProxyInFront.StartAsync(cluster.Brokers[0], good.Address, o =>
        {
            o.UpstreamTls.Enabled = true;
            o.UpstreamTls.CaChainCertFile = ca.CertFile;
            o.Brokers.Add(new BrokerMapping { Upstream = broken, Listen = new HostPort("127.0.0.1", 0) });
            o.DialAddresses.Add(new AddressMapping { From = broken, To = HostPort.Parse(expired.Address) });
        });
        using var producer = Clients.Producer(proxy.Bootstrap);
        var streaming = Task.Run(() => Clients.ProduceNumbered(producer, "steady", 5000));
        var brokenListener = proxy.Engine.Listeners.Single(l => l.Upstream == broken).Advertised;

        for (int i = 0; i < 5; i++)
        {
            await using var client = await Support.RawKafkaClient.ConnectAsync(brokenListener.Host, brokenListener.Port);
            await Assert.ThrowsAnyAsync<Exception>(() => client.SendAsync(18, 0, flexible: false, _ => { }));
        }

        await streaming.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(5, proxy.Metrics.Sum(FailureMetric, ("broker", broken.ToString()), ("stage", "tls")));
        Assert.Equal(0, proxy.Metrics.Sum(FailureMetric, ("broker", cluster.Brokers[0].Address)));
    }
}
