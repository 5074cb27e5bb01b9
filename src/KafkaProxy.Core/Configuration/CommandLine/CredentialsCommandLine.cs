using System.Globalization;
using KafkaProxy.Core.Security;

namespace KafkaProxy.Core.Configuration.CommandLine;

/// <summary>
/// The flags of <c>kafka-proxy credentials</c>, which prints the credentials-file lines of one user
/// (<see cref="ClientAuthOptions.CredentialsFile"/>) for a password read from standard input.
/// </summary>
public sealed class CredentialsCommandLine
{
    private CredentialsCommandLine()
    {
    }

    /// <summary>The help text of <c>kafka-proxy credentials</c>.</summary>
    public static string HelpText =>
        """
        Usage: kafka-proxy credentials --username <user> [--mechanism SCRAM-SHA-256|SCRAM-SHA-512|all] [--iterations <n>]

        Reads the password from standard input (its first line) and prints the user's lines for --auth-local-credentials-file:
        a salt and the SCRAM keys derived from the password, never the password. Append them to the file, for example
          printf '%s' "$APP_PASSWORD" | kafka-proxy credentials --username app >> users.txt
        The proxy re-reads the file when it changes. PLAIN clients are checked against any of the user's lines.

        Flags:
          --username <user>       The user name clients give (required).
          --mechanism <name>      SCRAM-SHA-256, SCRAM-SHA-512 or all (default all: one line of each).
          --iterations <n>        PBKDF2 iterations (default 8192; at least 4096).
          --help                  Show this help.
        """;

    /// <summary>True when <c>--help</c> (or <c>-h</c>) was given.</summary>
    public bool HelpRequested { get; private set; }

    /// <summary>The user (<c>--username</c>).</summary>
    public string Username { get; private set; } = string.Empty;

    /// <summary>The mechanisms to print lines for (<c>--mechanism</c>).</summary>
    public IReadOnlyList<string> Mechanisms { get; private set; } = [SaslMechanismNames.ScramSha256, SaslMechanismNames.ScramSha512];

    /// <summary>The iteration count (<c>--iterations</c>).</summary>
    public int Iterations { get; private set; } = ClientCredentialFile.DefaultIterations;

    /// <summary>Parses the arguments after <c>credentials</c>.</summary>
    /// <exception cref="CommandLineException">A flag is unknown, lacks its value, has a malformed one, or --username is missing.</exception>
    public static CredentialsCommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var line = new CredentialsCommandLine();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help")
            {
                line.HelpRequested = true;
                continue;
            }

            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            string name = equals > 0 ? arg[..equals] : arg;
            string Value() => equals > 0 ? arg[(equals + 1)..]
                : i + 1 < args.Count ? args[++i]
                : throw new CommandLineException($"{name} needs a value. Run 'kafka-proxy credentials --help'.");
            switch (name)
            {
                case "--username":
                    line.Username = Value();
                    break;
                case "--mechanism":
                    string mechanism = Value().ToUpperInvariant();
                    line.Mechanisms = mechanism switch
                    {
                        "ALL" => [SaslMechanismNames.ScramSha256, SaslMechanismNames.ScramSha512],
                        SaslMechanismNames.ScramSha256 or SaslMechanismNames.ScramSha512 => [mechanism],
                        _ => throw new CommandLineException($"--mechanism is '{mechanism}'; use SCRAM-SHA-256, SCRAM-SHA-512 or all (PLAIN clients are checked against either)."),
                    };
                    break;
                case "--iterations":
                    string iterations = Value();
                    line.Iterations = int.TryParse(iterations, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 4096
                        ? n
                        : throw new CommandLineException($"--iterations is '{iterations}'; give a whole number of at least 4096.");
                    break;
                default:
                    throw new CommandLineException($"Unknown flag {name}. Run 'kafka-proxy credentials --help'.");
            }
        }

        if (!line.HelpRequested && string.IsNullOrEmpty(line.Username))
        {
            throw new CommandLineException("--username is required: kafka-proxy credentials --username <user> (the password comes from standard input).");
        }

        return line;
    }

    /// <summary>
    /// The password: the first line of standard input when it is redirected; otherwise typed at the terminal after a
    /// prompt on standard error, without echo.
    /// </summary>
    public static string ReadPassword()
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine() ?? string.Empty;
        }

        Console.Error.Write("Password (not echoed): ");
        var typed = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                typed.Length = Math.Max(0, typed.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return typed.ToString();
    }

    /// <summary>The credentials-file lines for <paramref name="password"/>.</summary>
    /// <exception cref="CommandLineException">The password is empty or the user name cannot be written to the file.</exception>
    public IReadOnlyList<string> CreateLines(string password)
    {
        if (string.IsNullOrEmpty(password))
        {
            throw new CommandLineException("The password is empty: write it to standard input, for example printf '%s' \"$PASSWORD\" | kafka-proxy credentials --username app");
        }

        try
        {
            return [.. Mechanisms.Select(m => ClientCredentialFile.CreateLine(Username, password, m, Iterations))];
        }
        catch (ArgumentException ex)
        {
            throw new CommandLineException($"--username '{Username}': {ex.Message.Split(" (Parameter", 2)[0]}");
        }
    }
}
