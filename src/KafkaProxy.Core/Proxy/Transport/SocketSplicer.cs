using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KafkaProxy.Core.Proxy.Transport;

/// <summary>
/// Moves the rest of a pass-through frame from one plain TCP socket to another inside the kernel (Linux <c>splice</c>
/// through a <see cref="KernelPipe"/>): the bytes are never copied into the process, nor out of it again. One direction
/// of one connection; its pump calls it between reads, when its reader has handed over everything it had, so the bytes
/// still in the sending socket are the frame's and then the next frames'.
/// <para>
/// When the receiving socket is full, what the pipe holds is read out and sent as the proxy's own bytes, so the send
/// waits in the socket engine like any other (and the write deadline sees it). A kernel that cannot splice the sockets
/// turns the pool off, and the frame goes through the reader as before.
/// </para>
/// </summary>
internal sealed class SocketSplicer(KernelPipePool pipes, Socket from, Socket to, ISpliceProgress progress, bool toClient)
{
    private const int FallbackBlockSize = 64 * 1024;
    private const long WouldBlock = -1;

    /// <summary>Moves up to <paramref name="count"/> bytes; fewer when the sender closed first, none when no pipe was free.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<long> MoveAsync(long count)
    {
        if (pipes.TryRent() is not { } pipe)
        {
            return 0;
        }

        long moved = 0;
        long held = 0; // in the pipe
        bool ended = false;
        try
        {
            while (moved < count && !(ended && held == 0))
            {
                if (!ended && moved + held < count && held < pipe.Capacity)
                {
                    long received = Splice(from, pipe.WriteEnd, Math.Min(count - moved - held, pipe.Capacity - held), intoSocket: false);
                    if (received > 0)
                    {
                        held += received;
                        progress.Arrived(toClient);
                    }
                    else if (received == 0)
                    {
                        ended = true; // the sender closed: its reader sees the end next
                    }
                    else if (received < WouldBlock)
                    {
                        string reason = Marshal.GetPInvokeErrorMessage(ErrorOf(received));
                        if (moved + held == 0)
                        {
                            pipes.MarkUnsupported(reason);
                            return 0;
                        }

                        throw new IOException($"The kernel refused to splice a socket it had spliced before: {reason}.");
                    }
                    else if (held == 0)
                    {
                        // Nothing there yet: wait for the sender the way the reader would, without a buffer.
                        await from.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                        continue;
                    }
                }

                if (held > 0)
                {
                    long sent = Splice(to, pipe.ReadEnd, held, intoSocket: true);
                    if (sent > 0)
                    {
                        held -= sent;
                        moved += sent;
                    }
                    else if (sent < WouldBlock)
                    {
                        throw new IOException($"The kernel refused to splice into a socket: {Marshal.GetPInvokeErrorMessage(ErrorOf(sent))}.");
                    }
                    else
                    {
                        // The receiver is not reading as fast: hand what the pipe holds to the socket engine to wait with.
                        await SendHeldAsync(pipe, held).ConfigureAwait(false);
                        moved += held;
                        held = 0;
                    }
                }
            }

            return moved;
        }
        finally
        {
            pipes.Return(pipe, empty: held == 0);
        }
    }

    // One splice between a socket and a pipe's end, either way: the bytes moved; WouldBlock when the sending side has
    // nothing or the receiving side no room; below WouldBlock (Refused) when the kernel cannot splice this socket at
    // all; other failures (a reset, a closed socket) end the connection as an IOException.
    private static long Splice(Socket socket, int pipeEnd, long count, bool intoSocket)
    {
        var handle = socket.SafeHandle;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added); // the socket cannot be closed and its number reused under the call
            int fd = (int)handle.DangerousGetHandle();
            while (true)
            {
                long result = intoSocket ? SpliceCalls.Move(pipeEnd, fd, count) : SpliceCalls.Move(fd, pipeEnd, count);
                if (result >= 0)
                {
                    return result;
                }

                int error = Marshal.GetLastPInvokeError();
                switch (error)
                {
                    case SpliceCalls.Interrupted:
                        continue;
                    case SpliceCalls.WouldBlock:
                        return WouldBlock;
                    case SpliceCalls.InvalidArgument or SpliceCalls.NotSupported or SpliceCalls.NoSystemCall or SpliceCalls.NotPermitted:
                        return Refused(error);
                    default:
                        throw new IOException($"Forwarding in the kernel failed: {Marshal.GetPInvokeErrorMessage(error)}.");
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    // A refusal carries its errno below WouldBlock.
    private static long Refused(int error) => WouldBlock - error;

    private static int ErrorOf(long refused) => (int)(WouldBlock - refused);

    // Reads the pipe out into a rented block and sends it through the socket engine, which waits for room.
    private async ValueTask SendHeldAsync(KernelPipe pipe, long held)
    {
        byte[] block = ArrayPool<byte>.Shared.Rent(FallbackBlockSize);
        progress.SendWaiting(toClient, true);
        try
        {
            while (held > 0)
            {
                int read = SpliceCalls.Read(pipe.ReadEnd, block.AsSpan(0, (int)Math.Min(held, block.Length)));
                if (read <= 0)
                {
                    throw new IOException($"Reading a kernel pipe back failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
                }

                held -= read;
                int sent = 0;
                while (sent < read)
                {
                    sent += await to.SendAsync(block.AsMemory(sent, read - sent), SocketFlags.None).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            progress.SendWaiting(toClient, false);
            ArrayPool<byte>.Shared.Return(block);
        }
    }
}
