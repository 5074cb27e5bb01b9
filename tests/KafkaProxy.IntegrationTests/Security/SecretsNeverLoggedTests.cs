using System.Text;
using KafkaProxy.Testing;
using KafkaProxy.Testing.Sasl;

namespace KafkaProxy.IntegrationTests.Security;

/// <summary>
/// Secrets (passwords, key passwords, SASL tokens) never reach a log line, a metric label or a logged exception,
/// checked on everything logged at Trace level during TLS + SASL sessions that succeed and sessions that fail.
/// </summary>
public sealed class SecretsNeverLoggedTests
{
    private const string SaslPassword = "sasl-SECRET-41f9a7";
    private const string WrongSaslPassword = "wrong-SECRET-c03b2e";
    private const string KeyPassword = "key-SECRET-77aa10";

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("SCRAM-SHA-512")]
    public async Task TlsAndSaslSessions_RightAndWrongPasswords_NoSecretInAnyLogLineOrMetricLabel(string mechanism)
    {
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        cluster.CreateTopic("secret-free", partitions: 1);
        var frontOptions = new SaslFrontOptions();
        frontOptions.Users["proxy-user"] = SaslPassword;
        await using var front = SaslFront.Start(cluster.Brokers[0].Host, cluster.Brokers[0].Port, frontOptions);
        cluster.SetAdvertisedAddress(1, front.Host, front.Port);
        using var pki = new TestPki();
        var ca = pki.CreateAuthority("ca");
        var clientCa = pki.CreateAuthority("client-ca");
        var clientCertificate = pki.Issue(clientCa, "proxy", ["proxy.example"], keyPassword: KeyPassword);
        await using var tunnel = await Stunnel.StartAsync(pki, front.Port, pki.Issue(ca, "broker", ["127.0.0.1"]), clientCa.CertFile);
        var advertised = new TestBroker(1, front.Host, front.Port);

        ProxyInFront[] proxies =
        [
            await StartAsync(advertised, tunnel, ca, clientCertificate, mechanism, SaslPassword),
            await StartAsync(advertised, tunnel, ca, clientCertificate, mechanism, WrongSaslPassword),
        ];
        try
        {
            using (var producer = Clients.Producer(proxies[0].Bootstrap))
            {
                Clients.ProduceNumbered(producer, "secret-free", 200);
            }

            using (var consumer = Clients.Consumer(proxies[0].Bootstrap, "readers"))
            {
                consumer.Subscribe("secret-free");
                Assert.Equal(200, Clients.Consume(consumer, 200).Count);
            }

            await proxies[1].AssertConnectionClosedAsync();
            await proxies[1].WaitForLogAsync("refused");

            string[] secrets =
            [
                SaslPassword, WrongSaslPassword, KeyPassword,
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0proxy-user\0{SaslPassword}")),
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0proxy-user\0{WrongSaslPassword}")),
            ];
            foreach (var proxy in proxies)
            {
                Assert.Contains(proxy.Logs.Lines, l => l.StartsWith("Trace", StringComparison.Ordinal) || l.StartsWith("Debug", StringComparison.Ordinal));
                foreach (string secret in secrets)
                {
                    Assert.DoesNotContain(proxy.Logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
                    Assert.DoesNotContain(proxy.Metrics.Measurements, m => m.Tags.Values.Any(v => v?.Contains(secret, StringComparison.Ordinal) == true));
                }
            }
        }
        finally
        {
            foreach (var proxy in proxies)
            {
                await proxy.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ClientAuthentication_RightAndWrongPasswordsWithEveryMechanism_NoSecretInAnyLogLineOrMetricLabel()
    {
        const string wrongPassword = "wrong-client-SECRET-6ad0";
        await using var proxy = await AuthenticatingProxy.StartAsync(brokers: 1);
        proxy.Cluster.CreateTopic("secret-free", partitions: 1);
        foreach (string mechanism in new[] { "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512" })
        {
            var right = await ExternalProcess.RunAsync("kcat", ["-L", "-b", proxy.Bootstrap, "-m", "5", .. AuthenticatingProxy.KcatSasl(mechanism)], Clients.Patience);
            Assert.True(right.ExitCode == 0, right.ToString());
            var wrong = await ExternalProcess.RunAsync("kcat", ["-L", "-b", proxy.Bootstrap, "-m", "3", .. AuthenticatingProxy.KcatSasl(mechanism, password: wrongPassword)], Clients.Patience);
            Assert.NotEqual(0, wrong.ExitCode);
        }

        await proxy.WaitForLogAsync("wrong password for user 'app' (SCRAM-SHA-512 proof refused)");
        string[] storedKeys = File.ReadAllLines(proxy.CredentialsFile).Where(l => !l.StartsWith('#')).SelectMany(l => l.Split(':')[2].Split(',')).Select(f => f[(f.IndexOf('=', StringComparison.Ordinal) + 1)..]).ToArray();
        string[] secrets =
        [
            AuthenticatingProxy.Password, wrongPassword,
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0app\0{AuthenticatingProxy.Password}")),
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0app\0{wrongPassword}")),
            .. storedKeys.Where(k => k.Length > 8),
        ];
        Assert.Contains(proxy.Logs.Lines, l => l.StartsWith("Trace", StringComparison.Ordinal) || l.StartsWith("Debug", StringComparison.Ordinal));
        foreach (string secret in secrets)
        {
            Assert.DoesNotContain(proxy.Logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(proxy.Metrics.Measurements, m => m.Tags.Values.Any(v => v?.Contains(secret, StringComparison.Ordinal) == true));
        }
    }

    private static Task<ProxyInFront> StartAsync(TestBroker advertised, Stunnel tunnel, TestPki.Authority ca, TestPki.Leaf client, string mechanism, string password) =>
        ProxyInFront.StartAsync(advertised, tunnel.Address, o =>
        {
            o.UpstreamTls.Enabled = true;
            o.UpstreamTls.CaChainCertFile = ca.CertFile;
            o.UpstreamTls.ClientCertFile = client.CertFile;
            o.UpstreamTls.ClientKeyFile = client.KeyFile;
            o.UpstreamTls.ClientKeyPassword = KeyPassword;
            o.UpstreamSasl.Enabled = true;
            o.UpstreamSasl.Mechanism = mechanism;
            o.UpstreamSasl.Username = "proxy-user";
            o.UpstreamSasl.Password = password;
        });
}
