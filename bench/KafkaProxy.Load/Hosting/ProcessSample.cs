using System.Globalization;

namespace KafkaProxy.Load.Hosting;

/// <summary>The CPU time and memory of a process at one moment, from <c>/proc/&lt;pid&gt;/stat</c> and <c>status</c>.</summary>
internal readonly record struct ProcessSample(TimeSpan CpuTime, long RssBytes)
{
    // USER_HZ: the unit of utime and stime in /proc/<pid>/stat. 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    public static ProcessSample Read(int pid)
    {
        // Fields after the command name (which may contain spaces) start at ')' + 2; utime and stime are fields 14 and 15.
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);

        long rssKiB = 0;
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rssKiB = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                break;
            }
        }

        return new ProcessSample(TimeSpan.FromSeconds(ticks / TicksPerSecond), rssKiB * 1024);
    }
}
