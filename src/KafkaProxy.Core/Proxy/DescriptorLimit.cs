using System.Runtime.InteropServices;

namespace KafkaProxy.Core.Proxy;

/// <summary>
/// How many file descriptors this process may open (RLIMIT_NOFILE) and how many it holds, on Linux. Each client
/// connection holds two (its socket and its broker's), so the connection limit must fit what is left; and a process
/// with none left fails more than accepts: the .NET runtime cannot start a thread-pool thread without one, and aborts.
/// </summary>
internal static partial class DescriptorLimit
{
    private const int RlimitNoFile = 7; // Linux, on every architecture .NET runs on
    private static readonly nuint Infinity = nuint.MaxValue; // RLIM_INFINITY

    /// <summary>
    /// Descriptors kept back from client connections (a tenth of the limit, at least 64) for what opens later: dynamic
    /// listeners (up to half of it), the HTTP endpoints and their clients, readiness probes, files and the runtime.
    /// </summary>
    public static long Reserve(long limit) => Math.Max(64, limit / 10);

    /// <summary>Client connections that fit <paramref name="limit"/> descriptors with <paramref name="open"/> held: two each, after the reserve.</summary>
    public static long ConnectionsThatFit(long limit, long open) => (limit - open - Reserve(limit)) / 2;

    /// <summary>True when one more listener would eat into the half of the reserve kept for the runtime and the HTTP endpoints.</summary>
    public static bool ListenerWouldCrowd(long limit, long open) => open + 1 > limit - (Reserve(limit) / 2);

    /// <summary>Listeners that may still start, one descriptor each, before one more would crowd the reserve.</summary>
    public static long ListenersBeforeCrowding(long limit, long open) => Math.Max(0, limit - (Reserve(limit) / 2) - open);

    /// <summary>The soft limit and the descriptors open now; null where there is no limit or it cannot be read (not Linux).</summary>
    public static (long Limit, long Open)? Read()
    {
        if (!OperatingSystem.IsLinux() || GetLimit(RlimitNoFile, out var limit) != 0 || limit.Current == Infinity || (ulong)limit.Current > long.MaxValue)
        {
            return null;
        }

        try
        {
            return ((long)limit.Current, Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetLimit(int resource, out ResourceLimit limit);

    // struct rlimit: rlim_cur, rlim_max; rlim_t is an unsigned long, the size of a pointer.
    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceLimit
    {
        public nuint Current;
        public nuint Maximum;
    }
}
