namespace KafkaProxy.ConsoleHost.CommandLine;

/// <summary>Input of a command that cannot be used; the message says what was wrong and how to fix it.</summary>
internal sealed class CommandLineException(string message) : Exception(message);
