using System.Security.Cryptography;
using System.Text;

namespace KafkaProxy.Testing.Sasl;

/// <summary>What a SCRAM server stores per user and mechanism (RFC 5802 section 3): salt, iterations, StoredKey, ServerKey; never the password.</summary>
internal sealed class ScramUserStore
{
    private readonly Dictionary<(string Mechanism, string User), Entry> _entries = [];

    public ScramUserStore(SaslFrontOptions options)
    {
        foreach (var (user, password) in options.Users)
        {
            foreach (string mechanism in new[] { "SCRAM-SHA-256", "SCRAM-SHA-512" })
            {
                var hash = HashOf(mechanism);
                byte[] salt = RandomNumberGenerator.GetBytes(16);
                byte[] salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, options.ScramIterations, hash, HashLength(hash));
                byte[] storedKey = Hash(hash, Hmac(hash, salted, "Client Key"u8));
                byte[] serverKey = Hmac(hash, salted, "Server Key"u8);
                _entries[(mechanism, user)] = new Entry(salt, options.ScramIterations, storedKey, serverKey);
            }
        }
    }

    public bool TryGet(string mechanism, string user, out Entry entry) => _entries.TryGetValue((mechanism, user), out entry!);

    public static HashAlgorithmName HashOf(string mechanism) => mechanism == "SCRAM-SHA-512" ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256;

    public static byte[] Hmac(HashAlgorithmName hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) =>
        hash == HashAlgorithmName.SHA512 ? HMACSHA512.HashData(key, data) : HMACSHA256.HashData(key, data);

    public static byte[] Hash(HashAlgorithmName hash, ReadOnlySpan<byte> data) =>
        hash == HashAlgorithmName.SHA512 ? SHA512.HashData(data) : SHA256.HashData(data);

    private static int HashLength(HashAlgorithmName hash) => hash == HashAlgorithmName.SHA512 ? 64 : 32;

    internal sealed record Entry(byte[] Salt, int Iterations, byte[] StoredKey, byte[] ServerKey);
}
