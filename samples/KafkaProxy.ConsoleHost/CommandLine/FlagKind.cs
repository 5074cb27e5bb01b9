namespace KafkaProxy.ConsoleHost.CommandLine;

/// <summary>How a flag of <c>kafka-proxy server</c> turns into a configuration value.</summary>
internal enum FlagKind
{
    /// <summary>Its text, exactly as given; given twice, the last one wins.</summary>
    Value,

    /// <summary>Repeatable: every value given, joined with the flag's separator into one value.</summary>
    List,

    /// <summary>One of a few words, each written to configuration as the word the host reads.</summary>
    Choice,

    /// <summary>On or off: <c>--flag</c>, <c>--flag=true</c> or <c>--flag=false</c>, written as <c>true</c> or <c>false</c>.</summary>
    Switch,

    /// <summary>A switch whose setting means the opposite (<c>--dynamic-listeners-disable</c> sets <c>Enabled</c> to false).</summary>
    InvertedSwitch,

    /// <summary>A Go kafka-proxy flag that this proxy does not support; giving it is an error that says what to do instead.</summary>
    Refused,

    /// <summary><c>--help</c>.</summary>
    Help,
}
