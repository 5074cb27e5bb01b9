using System.Security.Cryptography;

namespace KafkaProxy.Core.Security;

/// <summary>The hash-dependent parts of SCRAM (RFC 5802 section 2.2): H, HMAC and Hi (PBKDF2 with HMAC).</summary>
internal sealed class ScramAlgorithm
{
    public static readonly ScramAlgorithm Sha256 = new("SCRAM-SHA-256", HashAlgorithmName.SHA256, 32);
    public static readonly ScramAlgorithm Sha512 = new("SCRAM-SHA-512", HashAlgorithmName.SHA512, 64);

    /// <summary>The algorithm Kafka calls <paramref name="mechanism"/> (SCRAM-SHA-256 or SCRAM-SHA-512), or null.</summary>
    public static ScramAlgorithm? Find(string mechanism) => mechanism switch
    {
        "SCRAM-SHA-256" => Sha256,
        "SCRAM-SHA-512" => Sha512,
        _ => null,
    };

    private ScramAlgorithm(string name, HashAlgorithmName hash, int length)
    {
        Name = name;
        Hash = hash;
        Length = length;
    }

    public string Name { get; }

    public HashAlgorithmName Hash { get; }

    /// <summary>Bytes of a hash, and of every SCRAM key.</summary>
    public int Length { get; }

    public byte[] H(ReadOnlySpan<byte> data) => Hash == HashAlgorithmName.SHA256 ? SHA256.HashData(data) : SHA512.HashData(data);

    public byte[] Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) =>
        Hash == HashAlgorithmName.SHA256 ? HMACSHA256.HashData(key, data) : HMACSHA512.HashData(key, data);

    public byte[] Hi(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, Hash, Length);
}
