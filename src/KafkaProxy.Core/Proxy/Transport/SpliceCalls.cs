using System.Runtime.InteropServices;

namespace KafkaProxy.Core.Proxy.Transport;

/// <summary>
/// The Linux system calls that move bytes from one socket to another inside the kernel: <c>splice</c> between a socket
/// and a pipe, and the pipe's own set-up. Every call is non-blocking; a negative result leaves errno for
/// <see cref="Marshal.GetLastPInvokeError"/>.
/// </summary>
internal static partial class SpliceCalls
{
    public const int NotPermitted = 1; // EPERM: a sandbox (seccomp) that forbids the call
    public const int WouldBlock = 11; // EAGAIN
    public const int Interrupted = 4; // EINTR
    public const int InvalidArgument = 22; // EINVAL: a kernel or socket type without splice
    public const int NotSupported = 95; // EOPNOTSUPP
    public const int NoSystemCall = 38; // ENOSYS

    private const uint MovePages = 1; // SPLICE_F_MOVE
    private const uint NonBlocking = 2; // SPLICE_F_NONBLOCK
    private const int PipeFlags = 0x80000 | 0x800; // O_CLOEXEC | O_NONBLOCK
    private const int SetPipeSize = 1031; // F_SETPIPE_SZ
    private const int GetPipeSize = 1032; // F_GETPIPE_SZ

    /// <summary>Moves up to <paramref name="count"/> bytes from <paramref name="from"/> to <paramref name="to"/>, one of which is a pipe.</summary>
    public static long Move(int from, int to, long count) => Splice(from, 0, to, 0, (nuint)count, MovePages | NonBlocking);

    /// <summary>Opens a pipe (close-on-exec, non-blocking) and asks for <paramref name="capacity"/> bytes; the size it got, or -1.</summary>
    public static int OpenPipe(int capacity, out int readEnd, out int writeEnd)
    {
        Span<int> ends = stackalloc int[2];
        readEnd = writeEnd = -1;
        if (Pipe2(ref MemoryMarshal.GetReference(ends), PipeFlags) != 0)
        {
            return -1;
        }

        (readEnd, writeEnd) = (ends[0], ends[1]);
        // A pipe above the user's soft limit keeps its default size; that is only slower.
        _ = FileControl(writeEnd, SetPipeSize, capacity);
        return FileControl(writeEnd, GetPipeSize, 0);
    }

    /// <summary>Reads what a pipe holds into <paramref name="buffer"/>; the count, or -1.</summary>
    public static int Read(int fd, Span<byte> buffer) => (int)ReadInto(fd, ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length);

    public static void CloseQuietly(int fd)
    {
        if (fd >= 0)
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "splice", SetLastError = true)]
    private static partial long Splice(int fdIn, nint offIn, int fdOut, nint offOut, nuint length, uint flags);

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static partial int Pipe2(ref int fds, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int FileControl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadInto(int fd, ref byte buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
