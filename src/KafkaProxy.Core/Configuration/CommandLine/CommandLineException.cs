namespace KafkaProxy.Core.Configuration.CommandLine;

/// <summary>A command line that cannot be used: an unknown flag, a missing value or a malformed one. The message says which and how to fix it.</summary>
public sealed class CommandLineException(string message) : Exception(message);
