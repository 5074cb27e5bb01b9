using System.Runtime.InteropServices;

namespace KafkaProxy.Load.Reporting;

/// <summary>The machine a run happened on, read from /proc and /etc.</summary>
internal sealed record MachineInfo(int Cores, string Cpu, string Os, string Kernel, string Runtime, long MemoryBytes, string LoadAverage, long OpenFilesLimit)
{
    public static MachineInfo Read() => new(
        Environment.ProcessorCount,
        FirstValue("/proc/cpuinfo", "model name") ?? "unknown",
        (FirstValue("/etc/os-release", "PRETTY_NAME", '=') ?? RuntimeInformation.OSDescription).Trim('"'),
        ReadOr("/proc/sys/kernel/osrelease", "unknown"),
        RuntimeInformation.FrameworkDescription,
        1024 * long.Parse((FirstValue("/proc/meminfo", "MemTotal") ?? "0 kB").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture),
        CurrentLoadAverage(),
        OpenFilesSoftLimit());

    /// <summary>The 1, 5 and 15 minute load averages now.</summary>
    public static string CurrentLoadAverage() => string.Join(' ', ReadOr("/proc/loadavg", "?").Split(' ').Take(3));

    /// <summary>The soft RLIMIT_NOFILE of this process, which its children inherit.</summary>
    public static long OpenFilesSoftLimit()
    {
        string? line = File.Exists("/proc/self/limits") ? File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal)) : null;
        string[] parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return parts.Length > 3 && long.TryParse(parts[3], out long soft) ? soft : -1;
    }

    private static string ReadOr(string path, string fallback) => File.Exists(path) ? File.ReadAllText(path).Trim() : fallback;

    private static string? FirstValue(string path, string key, char separator = ':')
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (string line in File.ReadLines(path))
        {
            int at = line.IndexOf(separator, StringComparison.Ordinal);
            if (at > 0 && line[..at].Trim() == key)
            {
                return line[(at + 1)..].Trim();
            }
        }

        return null;
    }
}
