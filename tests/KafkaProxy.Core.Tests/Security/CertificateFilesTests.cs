using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;

namespace KafkaProxy.Core.Tests.Security;

public sealed class CertificateFilesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kafka-proxy-certs-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string content)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private (string Cert, string Key) SelfSigned(string? password)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=proxy", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        string keyPem = password is null
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000));
        return (Write("c.pem", certificate.ExportCertificatePem()), Write("k.pem", keyPem));
    }

    private static ProxyEngine Engine(Action<UpstreamTlsOptions> tls)
    {
        var options = new KafkaProxyOptions();
        options.Brokers.Add(BrokerMapping.Parse("broker:9092,127.0.0.1:0"));
        options.UpstreamTls.Enabled = true;
        tls(options.UpstreamTls);
        return new ProxyEngine(options);
    }

    [Fact]
    public void NewEngine_CaFileWithoutCertificates_FailsNamingTheFlag()
    {
        string ca = Write("ca.pem", "not a certificate\n");

        var error = Assert.Throws<InvalidOperationException>(() => Engine(t => t.CaChainCertFile = ca));

        Assert.Equal($"KafkaProxy:UpstreamTls:CaChainCertFile '{ca}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).", error.Message);
    }

    [Fact]
    public void NewEngine_EncryptedKeyWithoutPassword_AsksForThePassword()
    {
        var (cert, key) = SelfSigned("s3cret-pw");

        var error = Assert.Throws<InvalidOperationException>(() => Engine(t => (t.ClientCertFile, t.ClientKeyFile) = (cert, key)));

        Assert.Contains("if the key is encrypted, give its password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NewEngine_WrongKeyPassword_SaysSoWithoutShowingIt()
    {
        var (cert, key) = SelfSigned("s3cret-pw");

        var error = Assert.Throws<InvalidOperationException>(() => Engine(t => (t.ClientCertFile, t.ClientKeyFile, t.ClientKeyPassword) = (cert, key, "wrong-pw-777")));

        Assert.Contains("check that the key password is right", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pw-777", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewEngine_EncryptedKeyWithItsPassword_Starts()
    {
        var (cert, key) = SelfSigned("s3cret-pw");

        await using var engine = Engine(t => (t.ClientCertFile, t.ClientKeyFile, t.ClientKeyPassword) = (cert, key, "s3cret-pw"));

        Assert.Equal(0, engine.OpenConnections);
    }
}
