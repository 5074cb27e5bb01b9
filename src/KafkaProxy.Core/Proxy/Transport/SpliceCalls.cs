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
    private const int GetFlags = 3; // F_GETFL
    private const int NonBlockingFlag = 0x800; // O_NONBLOCK
    private const int SetPipeSize = 1031; // F_SETPIPE_SZ
    private const int GetPipeSize = 1032; // F_GETPIPE_SZ
    private const nuint AtMark = 0x8905; // SIOCATMARK

    /// <summary>Moves up to <paramref name="count"/> bytes from <paramref name="from"/> to <paramref name="to"/>, one of which is a pipe.</summary>
    public static long Move(int from, int to, long count) => Splice(from, 0, to, 0, (nuint)count, MovePages | NonBlocking);

    /// <summary>
    /// Reads exactly <paramref name="buffer"/>'s length out of a pipe that holds at least as much; false, with what went
    /// wrong in <paramref name="failure"/>, when it could not.
    /// </summary>
    public static bool ReadExactly(int fd, Span<byte> buffer, out string failure)
    {
        failure = "";
        while (!buffer.IsEmpty)
        {
            nint read = ReadInto(fd, ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length);
            if (read > 0)
            {
                buffer = buffer[(int)read..];
                continue;
            }

            int error = read == 0 ? 0 : Marshal.GetLastPInvokeError();
            if (error != Interrupted)
            {
                failure = read == 0 ? $"the pipe ended {buffer.Length} bytes short" : Marshal.GetPInvokeErrorMessage(error);
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True when <paramref name="fd"/> does not block. splice blocks on a socket that does, whatever its flags say: .NET
    /// makes a socket's descriptor non-blocking with its first asynchronous operation, not before.
    /// </summary>
    public static bool IsNonBlocking(int fd)
    {
        int flags = FileControl(fd, GetFlags, 0);
        return flags >= 0 && (flags & NonBlockingFlag) != 0;
    }

    /// <summary>
    /// True when the next byte to read from socket <paramref name="fd"/> is TCP's urgent mark: splice stops there and
    /// answers "try again" for as long as the mark is next, while a receive steps over it.
    /// </summary>
    public static bool AtUrgentMark(int fd)
    {
        int atMark = 0;
        return InputOutputControl(fd, AtMark, ref atMark) == 0 && atMark != 0;
    }

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

    public static void CloseQuietly(int fd)
    {
        if (fd >= 0)
        {
            _ = Close(fd);
        }
    }

    // ssize_t splice(int, loff_t *, int, loff_t *, size_t, unsigned int)
    [LibraryImport("libc", EntryPoint = "splice", SetLastError = true)]
    private static partial nint Splice(int fdIn, nint offIn, int fdOut, nint offOut, nuint length, uint flags);

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static partial int Pipe2(ref int fds, int flags);

    // fcntl is variadic; an int third argument passes as a fixed one on the Linux ABIs .NET runs on (x64, arm64).
    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int FileControl(int fd, int command, int argument);

    // ioctl is variadic too; a pointer third argument passes as a fixed one.
    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int InputOutputControl(int fd, nuint request, ref int argument);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadInto(int fd, ref byte buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
