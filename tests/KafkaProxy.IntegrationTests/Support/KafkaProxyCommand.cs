using System.Diagnostics;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>One way to run the <c>kafka-proxy</c> command: the solution's JIT build through <c>dotnet</c>, or a native binary.</summary>
internal sealed class KafkaProxyCommand
{
    private readonly string _fileName;
    private readonly string[] _leadingArguments;

    private KafkaProxyCommand(string fileName, params string[] leadingArguments)
    {
        _fileName = fileName;
        _leadingArguments = leadingArguments;
    }

    /// <summary>samples/KafkaProxy.ConsoleHost as the solution built it, run by the dotnet host.</summary>
    public static KafkaProxyCommand Jit() => new("dotnet", SampleHost.ConsoleHostDll);

    /// <summary>A native AOT <c>kafka-proxy</c> executable.</summary>
    public static KafkaProxyCommand Native(string executable) => new(executable);

    /// <summary>Starts it with stdout and stderr captured.</summary>
    public Process Start(params string[] arguments) => SampleHost.StartProcess(_fileName, [.. _leadingArguments, .. arguments]);

    /// <summary>Starts it with stdout and stderr captured and <paramref name="environment"/> added to its environment.</summary>
    public Process Start(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        SampleHost.StartProcess(_fileName, [.. _leadingArguments, .. arguments], environment);

    /// <summary>Starts it through <paramref name="wrapper"/> (a command that runs the rest of its arguments, such as <c>prlimit</c>).</summary>
    public Process StartUnder(string[] wrapper, params string[] arguments) => SampleHost.StartProcess(wrapper[0], [.. wrapper[1..], _fileName, .. _leadingArguments, .. arguments]);

    /// <summary>Runs it to its end.</summary>
    public Task<ExternalProcess> RunAsync(IEnumerable<string> arguments, TimeSpan timeout, string? standardInput = null, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
        => ExternalProcess.RunAsync(_fileName, [.. _leadingArguments, .. arguments], timeout, standardInput, workingDirectory, environment);

    public override string ToString() => string.Join(' ', [_fileName, .. _leadingArguments]);
}
