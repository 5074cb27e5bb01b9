using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KafkaProxy.Core.Security;

/// <summary>
/// The client side of SCRAM (RFC 5802; SCRAM-SHA-256 as RFC 7677 specifies it): client-first, then client-final with
/// the proof, then the check of the server's signature, so that a broker that does not know the password is refused too.
/// No channel binding (gs2 header "n,,"), as Kafka's SCRAM.
/// </summary>
internal sealed class ScramClient : SaslClientMechanism
{
    /// <summary>Kafka's lowest allowed iteration count; a broker asking for fewer is refused, as Kafka's own client does.</summary>
    public const int MinIterations = 4096;

    private const string Gs2Header = "n,,";
    private readonly ScramAlgorithm _algorithm;
    private readonly SaslCredentials _credentials;
    private readonly string _clientNonce;
    private string? _clientFirstBare;
    private byte[]? _expectedServerSignature;

    public ScramClient(ScramAlgorithm algorithm, SaslCredentials credentials, string? clientNonce = null)
    {
        _algorithm = algorithm;
        _credentials = credentials;
        _clientNonce = clientNonce ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    }

    public override string Name => _algorithm.Name;

    public override byte[] Start()
    {
        _clientFirstBare = $"n={EscapeName(_credentials.Username)},r={_clientNonce}";
        return Encoding.UTF8.GetBytes(Gs2Header + _clientFirstBare);
    }

    public override byte[]? Next(ReadOnlySpan<byte> challenge)
    {
        if (_clientFirstBare is null)
        {
            throw new InvalidOperationException("SCRAM sends its client-first message first.");
        }

        string message = Encoding.UTF8.GetString(challenge);
        return _expectedServerSignature is null ? ClientFinal(message) : CheckServerFinal(message);
    }

    /// <summary>The RFC 5802 saslname: '=' and ',' escaped as =3D and =2C.</summary>
    public static string EscapeName(string name) => name.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);

    private byte[] ClientFinal(string serverFirst)
    {
        var attributes = ScramAttributes.Parse(serverFirst);
        if (attributes.TryGetValue('e', out string? error))
        {
            throw Refused($"the broker ended SCRAM with error '{error}'");
        }

        if (!attributes.TryGetValue('r', out string? nonce) || !attributes.TryGetValue('s', out string? saltText) || !attributes.TryGetValue('i', out string? iterationText))
        {
            throw Refused("the broker's SCRAM server-first message lacks the nonce, salt or iteration count");
        }

        if (!nonce.StartsWith(_clientNonce, StringComparison.Ordinal) || nonce.Length == _clientNonce.Length)
        {
            throw Refused("the broker's SCRAM nonce does not extend the proxy's nonce");
        }

        if (!int.TryParse(iterationText, NumberStyles.None, CultureInfo.InvariantCulture, out int iterations) || iterations < MinIterations)
        {
            throw Refused($"the broker asked for {iterationText} SCRAM iterations; at least {MinIterations} are required");
        }

        byte[] salt;
        try
        {
            salt = Convert.FromBase64String(saltText);
        }
        catch (FormatException)
        {
            throw Refused("the broker's SCRAM salt is not base64");
        }

        string clientFinalWithoutProof = $"c={Convert.ToBase64String(Encoding.ASCII.GetBytes(Gs2Header))},r={nonce}";
        byte[] authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{serverFirst},{clientFinalWithoutProof}");
        byte[] saltedPassword = _algorithm.Hi(Encoding.UTF8.GetBytes(_credentials.Password), salt, iterations);
        byte[] clientKey = _algorithm.Hmac(saltedPassword, "Client Key"u8);
        byte[] clientSignature = _algorithm.Hmac(_algorithm.H(clientKey), authMessage);
        byte[] proof = new byte[clientKey.Length];
        for (int i = 0; i < proof.Length; i++)
        {
            proof[i] = (byte)(clientKey[i] ^ clientSignature[i]);
        }

        _expectedServerSignature = _algorithm.Hmac(_algorithm.Hmac(saltedPassword, "Server Key"u8), authMessage);
        return Encoding.UTF8.GetBytes($"{clientFinalWithoutProof},p={Convert.ToBase64String(proof)}");
    }

    private byte[]? CheckServerFinal(string serverFinal)
    {
        var attributes = ScramAttributes.Parse(serverFinal);
        if (attributes.TryGetValue('e', out string? error))
        {
            throw Refused($"the broker refused the SCRAM proof: '{error}'");
        }

        byte[] signature;
        try
        {
            signature = attributes.TryGetValue('v', out string? verifier) ? Convert.FromBase64String(verifier) : [];
        }
        catch (FormatException)
        {
            signature = [];
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, _expectedServerSignature))
        {
            throw Refused("the broker's SCRAM server signature is wrong: it does not know the password (or something between is impersonating it)");
        }

        return null;
    }

    private static HandshakeFailedException Refused(string reason) => new("sasl", reason);
}
