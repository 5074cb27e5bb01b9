using System.CommandLine;
using System.Globalization;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Security;

namespace KafkaProxy.ConsoleHost.CommandLine;

/// <summary>
/// The command line of <c>kafka-proxy credentials</c>, which prints the credentials-file lines of one user
/// (<see cref="ClientAuthOptions.CredentialsFile"/>) for a password read from standard input.
/// </summary>
internal sealed class CredentialsCommandLine
{
    private const string ScramSha256 = "SCRAM-SHA-256";
    private const string ScramSha512 = "SCRAM-SHA-512";

    private const string SeeHelp = "Run 'kafka-proxy credentials --help'.";
    private const int MinIterations = 4096;

    private readonly List<string> _errors = [];

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

    /// <summary>What makes the command line unusable, each message naming the flag; empty when it is usable.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>The user (<c>--username</c>).</summary>
    public string Username { get; private set; } = string.Empty;

    /// <summary>The mechanisms to print lines for (<c>--mechanism</c>).</summary>
    public IReadOnlyList<string> Mechanisms { get; private set; } = [ScramSha256, ScramSha512];

    /// <summary>The iteration count (<c>--iterations</c>).</summary>
    public int Iterations { get; private set; } = ClientCredentialFile.DefaultIterations;

    /// <summary>Parses the arguments after <c>credentials</c>.</summary>
    public static CredentialsCommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var username = GoStyleFlags.Value("--username", "user");
        var mechanism = GoStyleFlags.Value("--mechanism", "name");
        var iterations = GoStyleFlags.Value("--iterations", "n");
        var help = GoStyleFlags.Switch("--help", null, "-h");
        var parsed = GoStyleFlags.Parse(new Command("credentials") { username, mechanism, iterations, help }, args);

        var line = new CredentialsCommandLine { HelpRequested = GoStyleFlags.SwitchValue(parsed, help) ?? false };
        line.Read(GoStyleFlags.Values(parsed, username), "--username", text => line.Username = text);
        line.Read(GoStyleFlags.Values(parsed, mechanism), "--mechanism", line.SetMechanism);
        line.Read(GoStyleFlags.Values(parsed, iterations), "--iterations", line.SetIterations);
        if (GoStyleFlags.Unmatched(parsed, [help], SeeHelp) is { } unmatched)
        {
            line._errors.Add(unmatched);
        }

        // Every error System.CommandLine reports is translated above; one that is not still fails the command line.
        if (line._errors.Count == 0)
        {
            line._errors.AddRange(parsed.Errors.Select(e => e.Message));
        }

        if (line._errors.Count == 0 && !line.HelpRequested && line.Username.Length == 0)
        {
            line._errors.Add("--username is required: kafka-proxy credentials --username <user> (the password comes from standard input).");
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

    // Each occurrence is checked; the last one wins.
    private void Read(IReadOnlyList<string>? given, string flag, Action<string> apply)
    {
        if (given is [])
        {
            _errors.Add($"{flag} needs a value. {SeeHelp}");
        }

        foreach (string text in given ?? [])
        {
            apply(text);
        }
    }

    private void SetMechanism(string text)
    {
        string mechanism = text.ToUpperInvariant();
        if (mechanism == "ALL")
        {
            Mechanisms = [ScramSha256, ScramSha512];
        }
        else if (mechanism is ScramSha256 or ScramSha512)
        {
            Mechanisms = [mechanism];
        }
        else
        {
            _errors.Add($"--mechanism is '{mechanism}'; use SCRAM-SHA-256, SCRAM-SHA-512 or all (PLAIN clients are checked against either).");
        }
    }

    private void SetIterations(string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= MinIterations)
        {
            Iterations = n;
        }
        else
        {
            _errors.Add($"--iterations is '{text}'; give a whole number of at least {MinIterations}.");
        }
    }
}
