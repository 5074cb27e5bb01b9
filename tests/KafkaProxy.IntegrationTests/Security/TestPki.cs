using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KafkaProxy.IntegrationTests.Security;

/// <summary>Certificates made for one test in a temporary directory: CAs, server and client certificates as PEM files.</summary>
internal sealed class TestPki : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public TestPki()
    {
        Directory = Path.Combine(Path.GetTempPath(), "kafka-proxy-pki-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>A self-signed CA; its certificate is written to name.pem.</summary>
    public Authority CreateAuthority(string name)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var certificate = request.CreateSelfSigned(Now.AddYears(-1), Now.AddYears(5));
        string file = Write(name + ".pem", certificate.ExportCertificatePem());
        return new Authority(certificate, file);
    }

    /// <summary>A leaf certificate signed by <paramref name="issuer"/>, valid for <paramref name="names"/> (host names or IPs).</summary>
    public Leaf Issue(Authority issuer, string name, string[] names, bool expired = false, string? keyPassword = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (string n in names)
        {
            if (IPAddress.TryParse(n, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(n);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var (from, to) = expired ? (Now.AddDays(-30), Now.AddDays(-1)) : (Now.AddDays(-1), Now.AddYears(1));
        using var certificate = request.Create(issuer.Certificate, from, to, RandomNumberGenerator.GetBytes(12));
        string keyPem = keyPassword is null
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(keyPassword, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000));
        return new Leaf(Write(name + ".crt", certificate.ExportCertificatePem()), Write(name + ".key", keyPem));
    }

    public string Write(string name, string content)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A process still holding a file; the temp directory is cleaned by the OS.
        }
    }

    internal sealed record Authority(X509Certificate2 Certificate, string CertFile);

    internal sealed record Leaf(string CertFile, string KeyFile);
}
