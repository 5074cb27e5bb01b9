using Confluent.Kafka;
using KafkaProxy.Core.Security;
using KafkaProxy.Testing;
using KafkaProxy.Testing.Sasl;

namespace KafkaProxy.IntegrationTests.Security;

/// <summary>Client authentication at the proxy together with TLS toward the clients (SASL_SSL) and with SASL toward the brokers.</summary>
public sealed class ClientAuthCombinationTests
{
    [Fact]
    public async Task SaslSsl_ClientsAuthenticateInsideTls_ConfluentAndKcatRoundTrip()
    {
        using var pki = new TestPki();
        var ca = pki.CreateAuthority("proxy-ca");
        var server = pki.Issue(ca, "proxy", ["127.0.0.1", "localhost"]);
        await using var proxy = await AuthenticatingProxy.StartAsync(o =>
        {
            o.ClientTls.Enabled = true;
            o.ClientTls.CertFile = server.CertFile;
            o.ClientTls.KeyFile = server.KeyFile;
        });
        proxy.Cluster.CreateTopic("sasl-ssl", partitions: 3);

        using (var producer = Clients.Producer(proxy.Bootstrap, tune: c =>
        {
            AuthenticatingProxy.Authenticate(c, "SCRAM-SHA-512");
            (c.SecurityProtocol, c.SslCaLocation) = (SecurityProtocol.SaslSsl, ca.CertFile);
        }))
        {
            Clients.ProduceNumbered(producer, "sasl-ssl", 300);
        }

        var kcat = await ExternalProcess.RunAsync("kcat",
            ["-b", proxy.Bootstrap, "-C", "-t", "sasl-ssl", "-o", "beginning", "-c", "300", "-e", "-q", .. AuthenticatingProxy.KcatSasl("PLAIN"), "-X", "security.protocol=SASL_SSL", "-X", $"ssl.ca.location={ca.CertFile}"],
            Clients.Patience);

        Assert.True(kcat.ExitCode == 0, kcat.ToString());
        Assert.Equal(300, kcat.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().Count());
        Assert.DoesNotContain(proxy.Logs.Lines, l => l.StartsWith("Warning 2006 ", StringComparison.Ordinal)); // PLAIN inside TLS: no warning
        Assert.True(proxy.Metrics.Sum("proxy_client_authentications_total", ("mechanism", "PLAIN")) >= 1);
    }

    [Fact]
    public async Task ClientAuthAndUpstreamSasl_ClientUsesItsOwnCredentials_TheBrokerSeesOnlyTheProxys()
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        cluster.CreateTopic("two-hops", partitions: 1);
        var frontOptions = new SaslFrontOptions();
        frontOptions.Users["proxy-user"] = "front-SECRET-19ab";
        await using var front = SaslFront.Start(cluster.Brokers[0].Host, cluster.Brokers[0].Port, frontOptions);
        cluster.SetAdvertisedAddress(1, front.Host, front.Port);
        using var pki = new TestPki();
        string users = pki.Write("users.txt", ClientCredentialFile.CreateLine("app", "app-SECRET-77c1", iterations: 4096) + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(users, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        await using var proxy = await ProxyInFront.StartAsync(new TestBroker(1, front.Host, front.Port), front.Address, o =>
        {
            o.UpstreamSasl.Enabled = true;
            o.UpstreamSasl.Mechanism = "SCRAM-SHA-256";
            o.UpstreamSasl.Username = "proxy-user";
            o.UpstreamSasl.Password = "front-SECRET-19ab";
            o.ClientAuth.Enabled = true;
            o.ClientAuth.CredentialsFile = users;
        });

        using (var producer = Clients.Producer(proxy.Bootstrap, tune: c => AuthenticatingProxy.Authenticate(c, "SCRAM-SHA-512", "app", "app-SECRET-77c1")))
        {
            Clients.ProduceNumbered(producer, "two-hops", 100);
        }

        var kcat = await ExternalProcess.RunAsync("kcat",
            ["-b", proxy.Bootstrap, "-C", "-t", "two-hops", "-o", "beginning", "-c", "100", "-e", "-q", .. AuthenticatingProxy.KcatSasl("PLAIN", "app", "app-SECRET-77c1")],
            Clients.Patience);
        Assert.True(kcat.ExitCode == 0, kcat.ToString());
        Assert.Equal(100, kcat.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().Count());
        Assert.True(front.Authentications >= 2, $"{front.Authentications} authentications at the broker");
        Assert.Equal(0, front.Refusals);
        Assert.True(proxy.Metrics.Sum("proxy_client_authentications_total") >= 2);
    }
}
