using System.Security.Cryptography;
using System.Text;

namespace KafkaProxy.Testing.Sasl;

/// <summary>The broker side of one SASL exchange: each client token gives a server token, until done or refused.</summary>
internal abstract class SaslServerExchange
{
    /// <summary>The authenticated user, once <see cref="Step"/> returned <see cref="StepResult.Done"/>.</summary>
    public string? Username { get; protected set; }

    public abstract StepResult Step(byte[] token);

    public static SaslServerExchange Create(string mechanism, SaslFrontOptions options, ScramUserStore scram) => mechanism switch
    {
        "PLAIN" => new PlainServer(options),
        "SCRAM-SHA-256" or "SCRAM-SHA-512" => new ScramServer(mechanism, scram),
        _ => throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, "not supported by the front"),
    };

    internal readonly record struct StepResult(byte[] Token, bool Done, string? Error)
    {
        public static StepResult Continue(byte[] token) => new(token, false, null);

        public static StepResult Success(byte[] token) => new(token, true, null);

        public static StepResult Refuse(string error) => new([], true, error);
    }

    private sealed class PlainServer(SaslFrontOptions options) : SaslServerExchange
    {
        public override StepResult Step(byte[] token)
        {
            // RFC 4616: [authzid] NUL authcid NUL passwd
            string[] parts = Encoding.UTF8.GetString(token).Split('\0');
            if (parts.Length != 3 || parts[1].Length == 0)
            {
                return StepResult.Refuse("Invalid SASL/PLAIN response: expected 3 tokens");
            }

            if (parts[0].Length > 0 && parts[0] != parts[1])
            {
                return StepResult.Refuse("Authentication failed: Client requested an authorization id that is different from username");
            }

            if (!options.Users.TryGetValue(parts[1], out string? password)
                || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(parts[2])))
            {
                return StepResult.Refuse("Authentication failed: Invalid username or password");
            }

            Username = parts[1];
            return StepResult.Success([]);
        }
    }
}
