using System.Security.Cryptography;
using System.Text;

namespace KafkaProxy.Testing.Sasl;

/// <summary>The server side of SCRAM (RFC 5802): server-first with salt and iterations, then the proof check and the server signature.</summary>
internal sealed class ScramServer(string mechanism, ScramUserStore store) : SaslServerExchange
{
    private string? _clientFirstBare;
    private string? _serverFirst;
    private string? _nonce;
    private ScramUserStore.Entry? _entry;

    public override StepResult Step(byte[] token)
    {
        string message = Encoding.UTF8.GetString(token);
        return _serverFirst is null ? First(message) : Final(message);
    }

    private StepResult First(string clientFirst)
    {
        // gs2-header: "n," [ "a=" authzid ] "," ; then client-first-message-bare "n=user,r=nonce[,extensions]".
        if (!clientFirst.StartsWith("n,", StringComparison.Ordinal))
        {
            return StepResult.Refuse("Invalid SCRAM client first message: channel binding is not supported");
        }

        int bareStart = clientFirst.IndexOf(',', 2);
        if (bareStart < 0)
        {
            return StepResult.Refuse("Invalid SCRAM client first message");
        }

        _clientFirstBare = clientFirst[(bareStart + 1)..];
        var attributes = Attributes(_clientFirstBare);
        if (!attributes.TryGetValue('n', out string? escaped) || !attributes.TryGetValue('r', out string? clientNonce) || clientNonce.Length == 0)
        {
            return StepResult.Refuse("Invalid SCRAM client first message: no user name or nonce");
        }

        string user = escaped.Replace("=2C", ",", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal);
        if (!store.TryGet(mechanism, user, out var entry))
        {
            return StepResult.Refuse($"Authentication failed during authentication due to invalid credentials with SASL mechanism {mechanism}");
        }

        Username = user;
        _entry = entry;
        _nonce = clientNonce + Convert.ToHexString(RandomNumberGenerator.GetBytes(18)).ToLowerInvariant();
        _serverFirst = $"r={_nonce},s={Convert.ToBase64String(entry.Salt)},i={entry.Iterations}";
        return StepResult.Continue(Encoding.UTF8.GetBytes(_serverFirst));
    }

    private StepResult Final(string clientFinal)
    {
        int proofAt = clientFinal.LastIndexOf(",p=", StringComparison.Ordinal);
        var attributes = Attributes(clientFinal);
        // Like Kafka's broker, accept a nonce that merely ends with the server's: librdkafka before 2.x repeats the client nonce.
        if (proofAt < 0 || !attributes.TryGetValue('r', out string? nonce) || !nonce.EndsWith(_nonce!, StringComparison.Ordinal)
            || !attributes.TryGetValue('c', out string? binding) || binding != "biws")
        {
            return StepResult.Refuse("Invalid SCRAM client final message: nonce or channel binding mismatch");
        }

        var hash = ScramUserStore.HashOf(mechanism);
        byte[] authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{_serverFirst},{clientFinal[..proofAt]}");
        byte[] clientSignature = ScramUserStore.Hmac(hash, _entry!.StoredKey, authMessage);
        byte[] proof;
        try
        {
            proof = Convert.FromBase64String(attributes['p']);
        }
        catch (FormatException)
        {
            proof = [];
        }

        if (proof.Length != clientSignature.Length)
        {
            return StepResult.Refuse($"Authentication failed during authentication due to invalid credentials with SASL mechanism {mechanism}");
        }

        byte[] clientKey = new byte[proof.Length];
        for (int i = 0; i < proof.Length; i++)
        {
            clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        }

        if (!CryptographicOperations.FixedTimeEquals(ScramUserStore.Hash(hash, clientKey), _entry.StoredKey))
        {
            return StepResult.Refuse($"Authentication failed during authentication due to invalid credentials with SASL mechanism {mechanism}");
        }

        byte[] serverSignature = ScramUserStore.Hmac(hash, _entry.ServerKey, authMessage);
        return StepResult.Success(Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(serverSignature)));
    }

    private static Dictionary<char, string> Attributes(string message)
    {
        var attributes = new Dictionary<char, string>();
        foreach (string part in message.Split(','))
        {
            if (part.Length >= 2 && part[1] == '=')
            {
                attributes.TryAdd(part[0], part[2..]);
            }
        }

        return attributes;
    }
}
