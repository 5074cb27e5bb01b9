using System.Security.Cryptography;
using System.Text;

namespace KafkaProxy.Http.Gateway;

/// <summary>
/// The configured token, compared in constant time: both sides are hashed first, so neither the position of the first
/// difference nor the token's length shows in the time a comparison takes.
/// </summary>
internal sealed class AccessToken(string token)
{
    private readonly byte[] _digest = SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public bool Matches(string? presented)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented ?? ""), digest);
        return CryptographicOperations.FixedTimeEquals(digest, _digest) && presented is not null;
    }
}
