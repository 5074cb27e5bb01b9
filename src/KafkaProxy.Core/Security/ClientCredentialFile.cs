using System.Globalization;
using System.Security.Cryptography;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Security.ClientAuth;

namespace KafkaProxy.Core.Security;

/// <summary>
/// Makes the lines of the credentials file that clients authenticate against at the proxy
/// (<see cref="ClientAuthOptions.CredentialsFile"/>). A line keeps a random salt, an iteration count and the two SCRAM
/// keys derived from the password (RFC 5802), never the password: enough to check a SCRAM proof or a PLAIN password,
/// not to recover it.
/// </summary>
/// <example>
/// <code>
/// File.AppendAllLines("users.txt", ClientCredentialFile.CreateLines("app", password));
/// </code>
/// </example>
public static class ClientCredentialFile
{
    /// <summary>The iteration count used when none is given: Kafka's default for SCRAM credentials.</summary>
    public const int DefaultIterations = 8192;

    /// <summary>
    /// One line for <paramref name="username"/> and <paramref name="mechanism"/>:
    /// <c>user:SCRAM-SHA-512:salt=…,stored_key=…,server_key=…,iterations=…</c>. PLAIN clients are checked against any
    /// of the user's lines, so a user who only uses PLAIN needs one line of either SCRAM mechanism.
    /// </summary>
    /// <exception cref="ArgumentException">The user name is empty, has a line break or surrounding spaces, or the password is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The mechanism is not SCRAM-SHA-256 or SCRAM-SHA-512, or the iteration count is below 4096.</exception>
    public static string CreateLine(string username, string password, string mechanism = SaslMechanismNames.ScramSha512, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (username.Length == 0 || username.Trim() != username || username.AsSpan().IndexOfAny('\r', '\n') >= 0 || username.StartsWith('#'))
        {
            throw new ArgumentException("The user name must not be empty, start with '#', hold a line break, or start or end with white space.", nameof(username));
        }

        var algorithm = ScramAlgorithm.Find(mechanism)
            ?? throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, "Use SCRAM-SHA-256 or SCRAM-SHA-512; PLAIN clients are checked against either.");
        if (iterations < ScramClient.MinIterations)
        {
            throw new ArgumentOutOfRangeException(nameof(iterations), iterations, string.Create(CultureInfo.InvariantCulture, $"Use at least {ScramClient.MinIterations} iterations, as Kafka requires."));
        }

        var credential = ScramCredential.Derive(algorithm, password, RandomNumberGenerator.GetBytes(ScramCredential.SaltLength), iterations);
        return $"{username}:{algorithm.Name}:{credential.Format()}";
    }

    /// <summary>Both lines of a user, SCRAM-SHA-256 and SCRAM-SHA-512, so that any mechanism the proxy offers works.</summary>
    /// <exception cref="ArgumentException">As <see cref="CreateLine"/>.</exception>
    public static IReadOnlyList<string> CreateLines(string username, string password, int iterations = DefaultIterations) =>
    [
        CreateLine(username, password, SaslMechanismNames.ScramSha256, iterations),
        CreateLine(username, password, SaslMechanismNames.ScramSha512, iterations),
    ];
}
