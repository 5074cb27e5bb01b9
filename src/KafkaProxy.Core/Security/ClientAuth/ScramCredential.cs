using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KafkaProxy.Core.Security.ClientAuth;

/// <summary>
/// What the proxy stores of a password for one SCRAM mechanism (RFC 5802 section 3): salt, iteration count, StoredKey
/// and ServerKey. It proves a SCRAM client's proof and a PLAIN client's password, and cannot be turned back into the
/// password. Text form as Kafka writes SCRAM credentials: <c>salt=…,stored_key=…,server_key=…,iterations=…</c>.
/// </summary>
internal sealed class ScramCredential
{
    /// <summary>Bytes of a fresh random salt.</summary>
    public const int SaltLength = 32;

    private ScramCredential(ScramAlgorithm algorithm, byte[] salt, int iterations, byte[] storedKey, byte[] serverKey)
    {
        Algorithm = algorithm;
        Salt = salt;
        Iterations = iterations;
        StoredKey = storedKey;
        ServerKey = serverKey;
    }

    public ScramAlgorithm Algorithm { get; }

    public byte[] Salt { get; }

    public int Iterations { get; }

    /// <summary>H(ClientKey): what a client's proof is checked against.</summary>
    public byte[] StoredKey { get; }

    /// <summary>HMAC(SaltedPassword, "Server Key"): signs the server's final message.</summary>
    public byte[] ServerKey { get; }

    /// <summary>Derives the credential of <paramref name="password"/> with <paramref name="salt"/>.</summary>
    public static ScramCredential Derive(ScramAlgorithm algorithm, string password, byte[] salt, int iterations)
    {
        byte[] salted = algorithm.Hi(Encoding.UTF8.GetBytes(password), salt, iterations);
        try
        {
            return new ScramCredential(algorithm, salt, iterations, StoredKeyOf(algorithm, salted), algorithm.Hmac(salted, "Server Key"u8));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(salted);
        }
    }

    /// <summary>A credential with random keys: no password and no proof matches it.</summary>
    public static ScramCredential Unmatchable(ScramAlgorithm algorithm, byte[] salt, int iterations) =>
        new(algorithm, salt, iterations, RandomNumberGenerator.GetBytes(algorithm.Length), RandomNumberGenerator.GetBytes(algorithm.Length));

    /// <summary>True when <paramref name="password"/> is the one this credential was derived from (constant time in the keys).</summary>
    public bool Verifies(string password)
    {
        byte[] salted = Algorithm.Hi(Encoding.UTF8.GetBytes(password), Salt, Iterations);
        try
        {
            return CryptographicOperations.FixedTimeEquals(StoredKeyOf(Algorithm, salted), StoredKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(salted);
        }
    }

    /// <summary>The text form, Kafka's: <c>salt=…,stored_key=…,server_key=…,iterations=…</c> (base64 values).</summary>
    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"salt={Convert.ToBase64String(Salt)},stored_key={Convert.ToBase64String(StoredKey)},server_key={Convert.ToBase64String(ServerKey)},iterations={Iterations}");

    /// <summary>Reads the text form; <paramref name="error"/> says what is wrong without repeating the values.</summary>
    public static bool TryParse(ScramAlgorithm algorithm, string text, out ScramCredential? credential, out string? error)
    {
        credential = null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string part in text.Split(','))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !fields.TryAdd(part[..equals].Trim(), part[(equals + 1)..].Trim()))
            {
                error = "the credential must be salt=…,stored_key=…,server_key=…,iterations=… with each field once";
                return false;
            }
        }

        if (!fields.TryGetValue("iterations", out string? iterationText)
            || !int.TryParse(iterationText, NumberStyles.None, CultureInfo.InvariantCulture, out int iterations)
            || iterations < ScramClient.MinIterations)
        {
            error = $"iterations must be a whole number of at least {ScramClient.MinIterations}";
            return false;
        }

        if (!TryBase64(fields, "salt", out byte[] salt, out error)
            || !TryBase64(fields, "stored_key", out byte[] storedKey, out error)
            || !TryBase64(fields, "server_key", out byte[] serverKey, out error))
        {
            return false;
        }

        if (salt.Length == 0 || storedKey.Length != algorithm.Length || serverKey.Length != algorithm.Length)
        {
            error = $"a {algorithm.Name} credential has a non-empty salt and keys of {algorithm.Length} bytes";
            return false;
        }

        if (fields.Count != 4)
        {
            error = "the credential has fields other than salt, stored_key, server_key and iterations";
            return false;
        }

        credential = new ScramCredential(algorithm, salt, iterations, storedKey, serverKey);
        return true;
    }

    private static byte[] StoredKeyOf(ScramAlgorithm algorithm, byte[] saltedPassword) => algorithm.H(algorithm.Hmac(saltedPassword, "Client Key"u8));

    private static bool TryBase64(Dictionary<string, string> fields, string name, out byte[] value, out string? error)
    {
        value = [];
        error = null;
        try
        {
            if (fields.TryGetValue(name, out string? text))
            {
                value = Convert.FromBase64String(text);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        error = $"{name} must be present and base64";
        return false;
    }
}
