using System.Security.Cryptography;
using System.Text;

namespace KafkaProxy.Core.Security.ClientAuth;

/// <summary>
/// The server side of SCRAM (RFC 5802, RFC 7677) at the proxy: client-first → server-first (nonce, salt, iterations),
/// client-final (proof) → server-final (signature). No channel binding, as in Kafka; extensions are ignored except
/// Kafka's delegation-token flag, which is refused; as Kafka's broker, the client-final nonce need only end with the
/// server's. An unknown user gets a decoy salt and fails only at the proof.
/// </summary>
internal sealed class ScramServer(ScramAlgorithm algorithm, ClientCredentialStore store, string? serverNonce = null) : SaslServerMechanism
{
    private string? _gs2Header;
    private string? _clientFirstBare;
    private string? _serverFirst;
    private string? _nonce;
    private string? _user;
    private ScramCredential? _credential;
    private bool _known;

    public override string Name => algorithm.Name;

    public override byte[] Evaluate(ReadOnlySpan<byte> token)
    {
        if (IsComplete)
        {
            throw ClientAuthRefusedException.Malformed($"{Name} takes two client messages");
        }

        string message = Text(token);
        return _serverFirst is null ? ServerFirst(message) : ServerFinal(message);
    }

    private byte[] ServerFirst(string clientFirst)
    {
        if (clientFirst.StartsWith("p=", StringComparison.Ordinal))
        {
            throw ClientAuthRefusedException.Malformed($"{Name} channel binding is not supported; the client must send the gs2 header 'n,,'");
        }

        int headerEnd = clientFirst.Length > 2 && clientFirst[0] is 'n' or 'y' && clientFirst[1] == ',' ? clientFirst.IndexOf(',', 2) : -1;
        if (headerEnd < 0)
        {
            throw ClientAuthRefusedException.Malformed($"the {Name} client-first message does not start with a gs2 header such as 'n,,'");
        }

        _gs2Header = clientFirst[..(headerEnd + 1)];
        _clientFirstBare = clientFirst[(headerEnd + 1)..];
        string[] attributes = _clientFirstBare.Split(',');
        if (attributes.Length < 2 || !attributes[0].StartsWith("n=", StringComparison.Ordinal) || !attributes[1].StartsWith("r=", StringComparison.Ordinal))
        {
            throw ClientAuthRefusedException.Malformed($"the {Name} client-first message must carry n=user,r=nonce");
        }

        _user = Unescape(attributes[0][2..]);
        string clientNonce = attributes[1][2..];
        if (_user.Length == 0 || clientNonce.Length == 0 || clientNonce.Any(c => c is < '!' or > '~'))
        {
            throw ClientAuthRefusedException.Malformed($"the {Name} user name and nonce must not be empty, and the nonce must be printable ASCII");
        }

        string authorization = _gs2Header[2..^1];
        if (authorization.Length > 0 && (!authorization.StartsWith("a=", StringComparison.Ordinal) || Unescape(authorization[2..]) != _user))
        {
            throw ClientAuthRefusedException.Malformed($"the {Name} authorization identity must be empty or the user's own name");
        }

        if (attributes.Skip(2).Any(a => a.Equals("tokenauth=true", StringComparison.OrdinalIgnoreCase)))
        {
            throw ClientAuthRefusedException.Malformed("delegation tokens (tokenauth) are not accepted by the proxy; use a user from its credentials file");
        }

        _credential = store.Find(_user, algorithm);
        _known = _credential is not null;
        _credential ??= store.Decoy(_user, algorithm);
        _nonce = clientNonce + (serverNonce ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
        _serverFirst = $"r={_nonce},s={Convert.ToBase64String(_credential.Salt)},i={_credential.Iterations}";
        return Encoding.UTF8.GetBytes(_serverFirst);
    }

    private byte[] ServerFinal(string clientFinal)
    {
        int proofAt = clientFinal.LastIndexOf(",p=", StringComparison.Ordinal);
        string[] attributes = proofAt < 0 ? [] : clientFinal[..proofAt].Split(',');
        if (attributes.Length < 2 || !attributes[0].StartsWith("c=", StringComparison.Ordinal) || !attributes[1].StartsWith("r=", StringComparison.Ordinal))
        {
            throw ClientAuthRefusedException.Malformed($"the {Name} client-final message must carry c=…,r=…,p=…");
        }

        if (attributes[0][2..] != Convert.ToBase64String(Encoding.UTF8.GetBytes(_gs2Header!)))
        {
            throw ClientAuthRefusedException.Malformed($"the {Name} channel-binding attribute does not repeat the gs2 header");
        }

        // Kafka's broker accepts a nonce that ends with the one it sent, and librdkafka 1.x relies on it: it repeats its
        // own nonce in front. The server's random part is still there, so a replayed exchange fails.
        if (!attributes[1][2..].EndsWith(_nonce!, StringComparison.Ordinal))
        {
            throw ClientAuthRefusedException.Malformed($"the {Name} client-final nonce is not the one the proxy sent");
        }

        byte[] proof;
        try
        {
            proof = Convert.FromBase64String(clientFinal[(proofAt + 3)..]);
        }
        catch (FormatException)
        {
            throw ClientAuthRefusedException.Malformed($"the {Name} proof is not base64");
        }

        if (proof.Length != algorithm.Length)
        {
            throw ClientAuthRefusedException.Malformed($"the {Name} proof must be {algorithm.Length} bytes");
        }

        var credential = _credential!;
        byte[] authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{_serverFirst},{clientFinal[..proofAt]}");
        byte[] clientKey = algorithm.Hmac(credential.StoredKey, authMessage);
        for (int i = 0; i < clientKey.Length; i++)
        {
            clientKey[i] ^= proof[i];
        }

        bool proven = CryptographicOperations.FixedTimeEquals(algorithm.H(clientKey), credential.StoredKey);
        if (!_known)
        {
            throw ClientAuthRefusedException.Credentials($"user {LogText.Quote(_user!)} has no {Name} line in the credentials file");
        }

        if (!proven)
        {
            throw ClientAuthRefusedException.Credentials($"wrong password for user {LogText.Quote(_user!)} ({Name} proof refused)");
        }

        User = _user;
        IsComplete = true;
        return Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(algorithm.Hmac(credential.ServerKey, authMessage)));
    }

    // RFC 5802 saslname: ',' and '=' arrive as =2C and =3D; any other '=' is malformed.
    private string Unescape(string name)
    {
        if (!name.Contains('=', StringComparison.Ordinal))
        {
            return name;
        }

        var text = new StringBuilder(name.Length);
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] != '=')
            {
                text.Append(name[i]);
                continue;
            }

            string escape = i + 2 < name.Length ? name.Substring(i + 1, 2) : string.Empty;
            text.Append(escape switch
            {
                "2C" => ',',
                "3D" => '=',
                _ => throw ClientAuthRefusedException.Malformed($"the {Name} user name has an '=' that is not =2C or =3D"),
            });
            i += 2;
        }

        return text.ToString();
    }
}
