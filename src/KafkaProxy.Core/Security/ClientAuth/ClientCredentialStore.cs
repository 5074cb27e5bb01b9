using System.Security.Cryptography;
using System.Text;

namespace KafkaProxy.Core.Security.ClientAuth;

/// <summary>
/// The users who may authenticate at the proxy, read from a credentials file (<c>--auth-local-credentials-file</c>).
/// One line per user and SCRAM mechanism: <c>user:SCRAM-SHA-512:salt=…,stored_key=…,server_key=…,iterations=…</c>;
/// blank lines and lines starting with <c>#</c> are skipped. The user name is everything before the last two colons,
/// so it may itself hold colons. No password is stored, only what SCRAM keeps of it.
/// </summary>
internal sealed class ClientCredentialStore
{
    private const int DecoyIterations = 8192;
    private readonly Dictionary<(string User, string Mechanism), ScramCredential> _credentials;
    private readonly byte[] _decoyKey;
    private readonly int _decoyIterations;
    private readonly int _decoySaltLength;

    private ClientCredentialStore(Dictionary<(string, string), ScramCredential> credentials, byte[]? decoyKey)
    {
        _credentials = credentials;
        _decoyKey = decoyKey ?? RandomNumberGenerator.GetBytes(32);
        // Decoys look like the file's most common line, so that an unknown user's server-first message does not stand out.
        _decoyIterations = MostCommon(credentials.Values.Select(c => c.Iterations), DecoyIterations);
        _decoySaltLength = Math.Min(64, MostCommon(credentials.Values.Select(c => c.Salt.Length), ScramCredential.SaltLength));
        PlainDecoyAlgorithm = credentials.Count > 0 && credentials.Values.All(c => c.Algorithm == ScramAlgorithm.Sha256) ? ScramAlgorithm.Sha256 : ScramAlgorithm.Sha512;
    }

    /// <summary>
    /// The algorithm a PLAIN check of an unknown user is run with: the one the file's users are checked with
    /// (<see cref="FindAny"/> takes SCRAM-SHA-512 first), so that the work, and the time, are the same.
    /// </summary>
    public ScramAlgorithm PlainDecoyAlgorithm { get; }

    /// <summary>How many users the file names.</summary>
    public int UserCount => _credentials.Keys.Select(k => k.User).Distinct(StringComparer.Ordinal).Count();

    /// <summary>Reads and checks the whole file.</summary>
    /// <exception cref="InvalidOperationException">The file cannot be read or a line is malformed; the message names the line, never its secrets.</exception>
    public static ClientCredentialStore Load(string path, byte[]? decoyKey = null)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"KafkaProxy:ClientAuth:CredentialsFile '{path}' cannot be read: {ex.Message}", ex);
        }

        return Parse(lines, path, decoyKey);
    }

    /// <summary>
    /// Reads the lines of a credentials file; <paramref name="path"/> only names it in messages. Stores given the same
    /// <paramref name="decoyKey"/> (a reloading authenticator's) give an unknown user the same decoy salt.
    /// </summary>
    /// <exception cref="InvalidOperationException">A line is malformed.</exception>
    public static ClientCredentialStore Parse(IReadOnlyList<string> lines, string path, byte[]? decoyKey = null)
    {
        var credentials = new Dictionary<(string, string), ScramCredential>();
        for (int i = 0; i < lines.Count; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            int credentialAt = line.LastIndexOf(':');
            int mechanismAt = credentialAt <= 0 ? -1 : line.LastIndexOf(':', credentialAt - 1);
            if (mechanismAt <= 0)
            {
                throw Malformed(path, i, "expected user:MECHANISM:salt=…,stored_key=…,server_key=…,iterations=…");
            }

            string user = line[..mechanismAt];
            string mechanism = line[(mechanismAt + 1)..credentialAt];
            if (ScramAlgorithm.Find(mechanism) is not { } algorithm)
            {
                // The field is only repeated when it looks like a mechanism name: a stray colon inside the credential
                // would otherwise put the salt and stored key into the message.
                string named = mechanism.Length <= 32 && mechanism.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? $"'{mechanism}'" : "not a mechanism name";
                throw Malformed(path, i, $"the mechanism is {named}; use SCRAM-SHA-256 or SCRAM-SHA-512 (PLAIN clients are checked against either)");
            }

            if (!ScramCredential.TryParse(algorithm, line[(credentialAt + 1)..], out var credential, out string? error))
            {
                throw Malformed(path, i, error!);
            }

            if (!credentials.TryAdd((user, mechanism), credential!))
            {
                throw Malformed(path, i, $"user '{user}' already has a {mechanism} line");
            }
        }

        return new ClientCredentialStore(credentials, decoyKey);
    }

    /// <summary>The user's credential for a SCRAM mechanism, or null.</summary>
    public ScramCredential? Find(string user, ScramAlgorithm algorithm) => _credentials.GetValueOrDefault((user, algorithm.Name));

    /// <summary>Any credential of the user, SCRAM-SHA-512 first: what a PLAIN password is checked against.</summary>
    public ScramCredential? FindAny(string user) => Find(user, ScramAlgorithm.Sha512) ?? Find(user, ScramAlgorithm.Sha256);

    /// <summary>
    /// A credential no password matches, the same for the same user on every call: an unknown user's exchange runs
    /// like a known one's (salt, iterations, work) and fails only at the proof, so that answers do not tell which users exist.
    /// </summary>
    public ScramCredential Decoy(string user, ScramAlgorithm algorithm)
    {
        byte[] salt = HMACSHA512.HashData(_decoyKey, Encoding.UTF8.GetBytes(algorithm.Name + "\n" + user))[.._decoySaltLength];
        return ScramCredential.Unmatchable(algorithm, salt, _decoyIterations);
    }

    private static int MostCommon(IEnumerable<int> values, int fallback) =>
        values.GroupBy(v => v).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key).DefaultIfEmpty(fallback).First();

    private static InvalidOperationException Malformed(string path, int index, string reason) =>
        new($"KafkaProxy:ClientAuth:CredentialsFile '{path}' line {index + 1}: {reason}.");
}
