using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KafkaProxy.Core.Security;

/// <summary>Reads PEM certificate and key files once, at start; every failure names the flag and the file, never a password.</summary>
internal static class CertificateFiles
{
    /// <summary>Every certificate of a PEM bundle (a CA chain).</summary>
    public static X509Certificate2Collection LoadBundle(string path, string flag)
    {
        var bundle = new X509Certificate2Collection();
        try
        {
            bundle.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidOperationException($"{flag} '{path}' cannot be read as PEM certificates: {ex.Message}", ex);
        }

        return bundle.Count > 0
            ? bundle
            : throw new InvalidOperationException($"{flag} '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
    }

    /// <summary>A certificate with its private key, from PEM files; the key may be encrypted (PKCS#8 with a password).</summary>
    public static X509Certificate2 LoadWithKey(string certPath, string keyPath, string? password, string certFlag, string keyFlag)
    {
        try
        {
            var pair = string.IsNullOrEmpty(password)
                ? X509Certificate2.CreateFromPemFile(certPath, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(certPath, password, keyPath);
            if (!pair.HasPrivateKey)
            {
                throw new InvalidOperationException($"{keyFlag} '{keyPath}' does not hold the private key of {certFlag} '{certPath}'.");
            }

            return pair;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{certFlag} '{certPath}' or {keyFlag} '{keyPath}' cannot be read: {ex.Message}", ex);
        }
        catch (CryptographicException ex)
        {
            string hint = string.IsNullOrEmpty(password)
                ? "if the key is encrypted, give its password (the key-password flag or its environment variable)"
                : "check that the key password is right and that the key belongs to the certificate";
            throw new InvalidOperationException($"{certFlag} '{certPath}' with {keyFlag} '{keyPath}' cannot be loaded ({ex.Message}): {hint}.", ex);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"{certFlag} '{certPath}' with {keyFlag} '{keyPath}' cannot be loaded: {ex.Message}", ex);
        }
    }
}
