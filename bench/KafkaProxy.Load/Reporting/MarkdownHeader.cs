using System.Text;

namespace KafkaProxy.Load.Reporting;

/// <summary>The opening every report shares: its title, when and how it ran, and the machine table.</summary>
internal static class MarkdownHeader
{
    public static void Write(StringBuilder md, string title, DateTimeOffset started, TimeSpan elapsed, string revision, string command,
        MachineInfo m, string runtimeLabel, string loadAverageAtEnd, IReadOnlyList<string> proxyEnvironment, bool openFilesLimit)
    {
        Line(md, title);
        Line(md);
        Line(md, $"Run {started:yyyy-MM-dd HH:mm} UTC, {elapsed.TotalSeconds:F0} s, revision `{revision}`, command `{command}`.");
        Line(md);
        Line(md, "| machine | |");
        Line(md, "| --- | --- |");
        Line(md, $"| cores | {m.Cores} |");
        Line(md, $"| CPU | {m.Cpu} |");
        Line(md, $"| memory | {m.MemoryBytes / 1073741824.0:F1} GiB |");
        Line(md, $"| OS | {m.Os}, kernel {m.Kernel} |");
        Line(md, $"| {runtimeLabel} | {m.Runtime} |");
        Line(md, $"| load average (1, 5, 15 min) | {m.LoadAverage} at the start, {loadAverageAtEnd} at the end |");
        if (openFilesLimit)
        {
            Line(md, $"| open files limit | {m.OpenFilesLimit:N0} |");
        }

        Line(md, $"| proxy environment | {(proxyEnvironment.Count == 0 ? "none (defaults)" : "`" + string.Join("`, `", proxyEnvironment) + "`")} |");
        Line(md);
    }

    private static void Line(StringBuilder md, string text = "") => md.Append(text).Append('\n');
}
