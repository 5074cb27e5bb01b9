using System.Text;

namespace KafkaProxy.Core.Security.ClientAuth;

/// <summary>
/// The server side of one SASL exchange with a client: every client token goes to <see cref="Evaluate"/>, which returns
/// the token to answer with, until <see cref="IsComplete"/>. Tokens hold passwords or proofs: never log them.
/// </summary>
internal abstract class SaslServerMechanism
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public abstract string Name { get; }

    /// <summary>Who the client proved to be, once <see cref="IsComplete"/>.</summary>
    public string? User { get; protected set; }

    public bool IsComplete { get; protected set; }

    /// <exception cref="ClientAuthRefusedException">The token is malformed or the credentials do not match.</exception>
    public abstract byte[] Evaluate(ReadOnlySpan<byte> token);

    /// <summary>The server side of <paramref name="mechanism"/>, one of <see cref="Configuration.SaslMechanismNames.All"/>.</summary>
    public static SaslServerMechanism Create(string mechanism, ClientCredentialStore store) => mechanism switch
    {
        Configuration.SaslMechanismNames.Plain => new PlainServer(store),
        _ => new ScramServer(ScramAlgorithm.Find(mechanism) ?? throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, "not a supported SASL mechanism"), store),
    };

    /// <summary>Decodes a token as UTF-8, refusing invalid bytes instead of replacing them.</summary>
    protected string Text(ReadOnlySpan<byte> token)
    {
        try
        {
            return StrictUtf8.GetString(token);
        }
        catch (DecoderFallbackException)
        {
            throw ClientAuthRefusedException.Malformed($"the {Name} message is not valid UTF-8");
        }
    }
}
