using KafkaProxy.Core.Configuration;

namespace KafkaProxy.Core.Security;

/// <summary>
/// The client side of one SASL exchange: <see cref="Start"/> gives the first token, then every broker token goes to
/// <see cref="Next"/>, which returns the next token to send, or null when the exchange is complete. Tokens hold
/// credentials or proofs: never log them.
/// </summary>
internal abstract class SaslClientMechanism
{
    public abstract string Name { get; }

    public abstract byte[] Start();

    /// <exception cref="HandshakeFailedException">The broker's token is malformed or does not prove the broker knows the password.</exception>
    public abstract byte[]? Next(ReadOnlySpan<byte> challenge);

    public static SaslClientMechanism Create(string mechanism, SaslCredentials credentials) => mechanism switch
    {
        SaslMechanismNames.Plain => new PlainClient(credentials),
        SaslMechanismNames.ScramSha256 => new ScramClient(ScramAlgorithm.Sha256, credentials),
        SaslMechanismNames.ScramSha512 => new ScramClient(ScramAlgorithm.Sha512, credentials),
        _ => throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, "not a supported SASL mechanism"),
    };
}
