using System.Net.Security;
using System.Net.Sockets;
using Confluent.Kafka;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;

namespace KafkaProxy.IntegrationTests.Security;

/// <summary>TLS on the proxy's listeners, with real TLS clients (Confluent.Kafka, kcat).</summary>
public sealed class ClientTlsTests
{
    [Fact]
    public async Task ConfluentOverTls_ThreeBrokersWithDynamicListeners_ProducesAndConsumes()
    {
        using var pki = new TestPki();
        var ca = pki.CreateAuthority("proxy-ca");
        var server = pki.Issue(ca, "proxy", ["127.0.0.1", "localhost"], keyPassword: "listener-key-pw");
        await using var proxied = await ProxiedCluster.StartAsync(configure: o =>
        {
            o.ClientTls.Enabled = true;
            o.ClientTls.CertFile = server.CertFile;
            o.ClientTls.KeyFile = server.KeyFile;
            o.ClientTls.KeyPassword = "listener-key-pw";
        });
        proxied.Cluster.CreateTopic("tls-in", partitions: 3);

        using (var producer = Clients.Producer(proxied.Bootstrap, tune: c => (c.SecurityProtocol, c.SslCaLocation) = (SecurityProtocol.Ssl, ca.CertFile)))
        {
            Clients.ProduceNumbered(producer, "tls-in", 600);
        }

        var kcat = await ExternalProcess.RunAsync("kcat",
            ["-b", proxied.Bootstrap, "-X", "security.protocol=ssl", "-X", $"ssl.ca.location={ca.CertFile}", "-C", "-t", "tls-in", "-o", "beginning", "-c", "600", "-e", "-q"],
            Clients.Patience);
        Assert.True(kcat.ExitCode == 0, kcat.ToString());
        Assert.Equal(600, kcat.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().Count());
        Assert.True(proxied.Engine.Listeners.Count(l => l.IsDynamic) >= 2);
    }

    [Fact]
    public async Task PlaintextClientOnATlsListener_IsClosedAndLogged_OthersUnaffected()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        using var pki = new TestPki();
        var ca = pki.CreateAuthority("proxy-ca");
        var server = pki.Issue(ca, "proxy", ["127.0.0.1"]);
        await using var proxy = await ProxyInFront.StartAsync(cluster.Brokers[0], cluster.Brokers[0].Address, o =>
        {
            o.ClientTls.Enabled = true;
            o.ClientTls.CertFile = server.CertFile;
            o.ClientTls.KeyFile = server.KeyFile;
        });

        await proxy.AssertConnectionClosedAsync();

        string line = await proxy.WaitForLogAsync("TLS handshake with the client failed");
        Assert.StartsWith("Warning 1015 ", line, StringComparison.Ordinal);
        Assert.Equal(1, proxy.Metrics.Sum("proxy_client_security_failures_total", ("stage", "client_tls")));
        var listing = await ExternalProcess.RunAsync("kcat", ["-b", proxy.Bootstrap, "-X", "security.protocol=ssl", "-X", $"ssl.ca.location={ca.CertFile}", "-L"], Clients.Patience);
        Assert.True(listing.ExitCode == 0, listing.ToString());
    }

    [Fact]
    public async Task MutualTls_ClientWithCertificatePasses_ClientWithoutIsRefused()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        cluster.CreateTopic("mtls-in", partitions: 1);
        using var pki = new TestPki();
        var ca = pki.CreateAuthority("proxy-ca");
        var clientCa = pki.CreateAuthority("clients-ca");
        var server = pki.Issue(ca, "proxy", ["127.0.0.1"]);
        var app = pki.Issue(clientCa, "app", ["app.example"]);
        var stranger = pki.Issue(pki.CreateAuthority("stranger-ca"), "stranger", ["stranger.example"]);
        await using var proxy = await ProxyInFront.StartAsync(cluster.Brokers[0], cluster.Brokers[0].Address, o =>
        {
            o.ClientTls.Enabled = true;
            o.ClientTls.CertFile = server.CertFile;
            o.ClientTls.KeyFile = server.KeyFile;
            o.ClientTls.ClientCaChainCertFile = clientCa.CertFile;
        });

        using (var producer = Clients.Producer(proxy.Bootstrap, tune: c =>
        {
            (c.SecurityProtocol, c.SslCaLocation) = (SecurityProtocol.Ssl, ca.CertFile);
            (c.SslCertificateLocation, c.SslKeyLocation) = (app.CertFile, app.KeyFile);
        }))
        {
            Clients.ProduceNumbered(producer, "mtls-in", 50);
        }

        Assert.False(await TlsHandshakeSucceedsAsync(proxy, ca, certificate: null));
        Assert.False(await TlsHandshakeSucceedsAsync(proxy, ca, stranger));
        await proxy.WaitForLogAsync("the client sent no certificate");
        await proxy.WaitForLogAsync("is not signed by a CA of KafkaProxy:ClientTls:ClientCaChainCertFile");
        Assert.Equal(2, proxy.Metrics.Sum("proxy_client_security_failures_total", ("stage", "client_tls")));
    }

    // A TLS client of our own that then sends ApiVersions: true when it is answered.
    private static async Task<bool> TlsHandshakeSucceedsAsync(ProxyInFront proxy, TestPki.Authority ca, TestPki.Leaf? certificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(proxy.Listener.Host, proxy.Listener.Port);
        await using var ssl = new SslStream(tcp.GetStream(), false);
        var trust = new System.Security.Cryptography.X509Certificates.X509ChainPolicy
        {
            TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust,
            RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        };
        trust.CustomTrustStore.Add(ca.Certificate);
        var options = new SslClientAuthenticationOptions { TargetHost = "127.0.0.1", CertificateChainPolicy = trust };
        if (certificate is not null)
        {
            options.ClientCertificates = [System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(certificate.CertFile, certificate.KeyFile)];
        }

        try
        {
            await ssl.AuthenticateAsClientAsync(options);
            byte[] apiVersions = [0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 1, 0xFF, 0xFF];
            await ssl.WriteAsync(apiVersions);
            var size = new byte[4];
            await ssl.ReadExactlyAsync(size).AsTask().WaitAsync(Clients.Patience);
            return true;
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
    }
}
