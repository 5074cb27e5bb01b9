namespace KafkaProxy.Core.Configuration.CommandLine;

/// <summary>One flag of <c>kafka-proxy server</c>: its name, how it reads its value, and its help line.</summary>
internal sealed record ServerFlag(string Name, string? ValueName, string Help, Action<ServerCommandLine, string> Apply)
{
    public bool IsSwitch => ValueName is null;
}
