using System.CommandLine;
using System.Globalization;
using System.Text;

namespace KafkaProxy.ConsoleHost.CommandLine;

/// <summary>
/// The command line of <c>kafka-proxy server</c> read as configuration: each flag given becomes a configuration key and
/// its text (<see cref="ServerFlags"/>), for the host to add above every other configuration source. Only the shape is
/// checked here (known flags, values present, switches true or false, log words); values are checked where they bind.
/// </summary>
internal sealed class ServerCommandLine
{
    private const string SeeHelp = "Run 'kafka-proxy server --help' for the list.";

    private readonly List<string> _errors = [];
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string?> _environmentSettings = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _flagOfKey = new(StringComparer.OrdinalIgnoreCase);

    private ServerCommandLine()
    {
    }

    /// <summary>The help of <c>kafka-proxy server</c>: every flag with its value name and help line.</summary>
    public static string HelpText { get; } = BuildHelp();

    /// <summary>True when <c>--help</c> (or <c>-h</c>) was given.</summary>
    public bool HelpRequested { get; private set; }

    /// <summary>What makes the command line unusable, each message naming the flag or argument; empty when it is usable.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>The configuration keys the flags set, with their values as text: the highest-priority configuration source.</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings;

    /// <summary>
    /// The keys set by the Go kafka-proxy's password variables (SASL_PASSWORD, TLS_CLIENT_KEY_PASSWORD,
    /// PROXY_LISTENER_KEY_PASSWORD): a source below <see cref="Settings"/>, so that a flag wins over its variable.
    /// </summary>
    public IReadOnlyDictionary<string, string?> EnvironmentSettings => _environmentSettings;

    /// <summary>Parses the arguments after <c>server</c>; <paramref name="environment"/> reads environment variables.</summary>
    public static ServerCommandLine Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var command = new Command("server");
        var values = new List<(ServerFlag Flag, Option<string[]> Option)>();
        var switches = new List<(ServerFlag Flag, Option<bool> Option)>();
        foreach (var flag in ServerFlags.All)
        {
            if (flag.ValueName is { } valueName)
            {
                values.Add((flag, GoStyleFlags.Value(flag.Flag, valueName, flag.Help)));
                command.Options.Add(values[^1].Option);
            }
            else
            {
                switches.Add((flag, flag.Kind == FlagKind.Help ? GoStyleFlags.Switch(flag.Flag, flag.Help, "-h") : GoStyleFlags.Switch(flag.Flag, flag.Help)));
                command.Options.Add(switches[^1].Option);
            }
        }

        var parsed = GoStyleFlags.Parse(command, args);
        var line = new ServerCommandLine();
        foreach (var (flag, option) in switches)
        {
            line.ReadSwitch(flag, GoStyleFlags.SwitchValue(parsed, option));
        }

        foreach (var (flag, option) in values)
        {
            line.ReadValues(flag, GoStyleFlags.Values(parsed, option));
        }

        if (GoStyleFlags.Unmatched(parsed, switches.Select(s => s.Option), SeeHelp) is { } unmatched)
        {
            line._errors.Add(unmatched);
        }

        // Every error System.CommandLine reports is translated above; one that is not still fails the command line.
        if (line._errors.Count == 0)
        {
            line._errors.AddRange(parsed.Errors.Select(e => e.Message));
        }

        line.ReadEnvironment(environment);
        return line;
    }

    /// <summary>
    /// The flag that set <paramref name="key"/> on this command line, such as <c>--idle-timeout</c> for
    /// <c>KafkaProxy:IdleTimeout</c>, for messages about its value; null when no flag set it.
    /// </summary>
    public string? FlagFor(string key) => _flagOfKey.GetValueOrDefault(key);

    private void ReadSwitch(ServerFlag flag, bool? on)
    {
        if (on is not { } value)
        {
            return;
        }

        if (flag.Kind == FlagKind.Help)
        {
            HelpRequested = value;
        }
        else
        {
            Set(flag, value == (flag.Kind == FlagKind.Switch) ? "true" : "false");
        }
    }

    private void ReadValues(ServerFlag flag, IReadOnlyList<string>? given)
    {
        if (given is null)
        {
            return;
        }

        if (flag.Kind == FlagKind.Refused)
        {
            _errors.Add($"{flag.Flag}: {flag.Refusal}");
        }
        else if (given.Count == 0)
        {
            _errors.Add($"{flag.Flag} needs a value: {flag.Flag} <{flag.ValueName}>.");
        }
        else if (flag.Kind == FlagKind.List)
        {
            Set(flag, string.Join(flag.Separator, given));
        }
        else if (flag.Kind != FlagKind.Choice)
        {
            Set(flag, given[^1]);
        }
        else if (given.FirstOrDefault(word => flag.SettingFor(word) is null) is { } wrong)
        {
            _errors.Add($"{flag.Flag}: '{wrong}' is not one of {string.Join(", ", flag.Choices.Select(c => c.Word))}.");
        }
        else
        {
            Set(flag, flag.SettingFor(given[^1])!);
        }
    }

    private void ReadEnvironment(Func<string, string?> environment)
    {
        foreach (var flag in ServerFlags.All)
        {
            if (flag.EnvironmentVariable is { } variable && environment(variable) is { Length: > 0 } value)
            {
                _environmentSettings[flag.Key!] = value;
            }
        }
    }

    private void Set(ServerFlag flag, string value)
    {
        _settings[flag.Key!] = value;
        _flagOfKey[flag.Key!] = flag.Flag;
    }

    private static string BuildHelp()
    {
        var text = new StringBuilder();
        text.AppendLine("Usage: kafka-proxy server [flags]");
        text.AppendLine();
        text.AppendLine("Runs a Kafka protocol proxy: a local listener per broker, broker addresses in responses rewritten to the");
        text.AppendLine("proxy's. With no broker mapped it starts an embedded 3-broker test cluster to try it on.");
        text.AppendLine("All listeners bind to 127.0.0.1 unless told otherwise.");
        text.AppendLine();
        text.AppendLine("Settings come from appsettings.json (beside the binary, then in the working directory), then environment");
        text.AppendLine("variables (KafkaProxy__IdleTimeout=5m), then these flags, each over the one before. Each flag sets the");
        text.AppendLine("configuration key in brackets; docs/configuration.md lists every key.");
        text.AppendLine();
        text.AppendLine("Flags:");
        foreach (var flag in ServerFlags.All)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {flag.Flag}{(flag.ValueName is { } v ? $" <{v}>" : string.Empty)}").AppendLine();
            text.Append(CultureInfo.InvariantCulture, $"      {flag.Help}{(flag.Key is { } key ? $" [{key}]" : string.Empty)}").AppendLine();
        }

        return text.ToString();
    }
}
