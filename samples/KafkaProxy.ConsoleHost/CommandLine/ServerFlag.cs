namespace KafkaProxy.ConsoleHost.CommandLine;

/// <summary>
/// One flag of <c>kafka-proxy server</c>: the name and value name the Go kafka-proxy uses, its help line, and the
/// configuration key it sets. The parser and the help both read <see cref="ServerFlags.All"/>.
/// </summary>
internal sealed record ServerFlag
{
    private ServerFlag(string name, string? valueName, FlagKind kind, string? key, string help)
    {
        Name = name;
        ValueName = valueName;
        Kind = kind;
        Key = key;
        Help = help;
    }

    /// <summary>The name without dashes, such as <c>idle-timeout</c>.</summary>
    public string Name { get; }

    /// <summary>What the value looks like, shown as <c>--name &lt;value-name&gt;</c>; null for switches.</summary>
    public string? ValueName { get; }

    public FlagKind Kind { get; }

    /// <summary>The configuration key the flag sets, such as <c>KafkaProxy:IdleTimeout</c>; null when it sets none.</summary>
    public string? Key { get; }

    public string Help { get; }

    /// <summary>The separator that joins the values of a <see cref="FlagKind.List"/> flag.</summary>
    public char Separator { get; private init; }

    /// <summary>The words a <see cref="FlagKind.Choice"/> flag accepts (any case), each with the value written to configuration.</summary>
    public IReadOnlyList<(string Word, string Setting)> Choices { get; private init; } = [];

    /// <summary>Why a <see cref="FlagKind.Refused"/> flag is refused and what to do instead.</summary>
    public string? Refusal { get; private init; }

    /// <summary>A setting of the host (logging, HTTP endpoints), not one of the proxy's options.</summary>
    public bool IsHostSetting { get; private init; }

    /// <summary>An environment variable that sets the same key below the flag (the Go proxy reads passwords from them).</summary>
    public string? EnvironmentVariable { get; private init; }

    /// <summary>The flag as written on the command line, such as <c>--idle-timeout</c>.</summary>
    public string Flag => "--" + Name;

    /// <summary>The setting a <see cref="FlagKind.Choice"/> flag writes for <paramref name="word"/>, or null when it is not one of its words.</summary>
    public string? SettingFor(string word) => Choices.FirstOrDefault(c => c.Word.Equals(word, StringComparison.OrdinalIgnoreCase)).Setting;

    public static ServerFlag Value(string name, string valueName, string key, string help) => new(name, valueName, FlagKind.Value, key, help);

    public static ServerFlag List(string name, string valueName, string key, char separator, string help) =>
        new(name, valueName, FlagKind.List, key, help) { Separator = separator };

    public static ServerFlag Choice(string name, string valueName, string key, IReadOnlyList<(string Word, string Setting)> choices, string help) =>
        new(name, valueName, FlagKind.Choice, key, help) { Choices = choices };

    public static ServerFlag Switch(string name, string key, string help) => new(name, null, FlagKind.Switch, key, help);

    public static ServerFlag InvertedSwitch(string name, string key, string help) => new(name, null, FlagKind.InvertedSwitch, key, help);

    public static ServerFlag Refused(string name, string valueName, string refusal, string help) =>
        new(name, valueName, FlagKind.Refused, null, help) { Refusal = refusal };

    public static ServerFlag HelpFlag(string help) => new("help", null, FlagKind.Help, null, help);

    /// <summary>This flag, marked as a setting of the host rather than of the proxy.</summary>
    public ServerFlag ForHost() => this with { IsHostSetting = true };

    /// <summary>This flag, with an environment variable that sets its key when the flag is not given.</summary>
    public ServerFlag OrEnvironment(string variable) => this with { EnvironmentVariable = variable };
}
