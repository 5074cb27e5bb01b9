using System.Runtime.InteropServices;

namespace KafkaProxy.Core.Flushing;

/// <summary>
/// Makes a rename inside a directory durable: POSIX writes the directory entry to disk only on an fsync of the
/// directory itself, which .NET's file APIs cannot open. Windows has no such step.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;

    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Could not open directory {directory} to flush it: errno {Marshal.GetLastPInvokeError()}.");
        }

        try
        {
            if (Sync(fd) != 0)
            {
                throw new IOException($"Could not flush directory {directory} to disk: errno {Marshal.GetLastPInvokeError()}.");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Sync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
