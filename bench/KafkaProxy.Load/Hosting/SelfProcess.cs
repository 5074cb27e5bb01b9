namespace KafkaProxy.Load.Hosting;

/// <summary>This program again, as a child process running one of its commands (<c>cluster</c>, <c>floor-forwarder</c>).</summary>
internal static class SelfProcess
{
    public static ChildProcess Start(string name, IReadOnlyList<string> command, string logPath)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown");
        IEnumerable<string> arguments = Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? [typeof(SelfProcess).Assembly.Location, .. command]
            : command;
        return ChildProcess.Start(name, self, arguments, logPath);
    }
}
