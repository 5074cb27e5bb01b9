using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Proxy.Transport;

/// <summary>
/// Moves the rest of a pass-through frame from one plain TCP socket to another inside the kernel (Linux <c>splice</c>
/// through a <see cref="KernelPipe"/>): the bytes are never copied into the process, nor out of it again. One direction
/// of one connection; its pump calls it between reads, when its reader has handed over everything it had, so the bytes
/// still in the sending socket are the frame's and then the next frames'.
/// <para>
/// A pipe is held only while bytes are in it: it goes back to the pool before any wait for the sender. When the
/// receiving socket is full, what the pipe holds is read out and sent as the proxy's own bytes, so the send waits in the
/// socket engine like any other (and the write deadline sees it). Whenever the kernel will not go on (no pipe free, a
/// kernel or sandbox that refuses the call, an urgent byte that stops splice), the move ends early and the pump's
/// reader takes the rest of the frame, as it would have without this.
/// </para>
/// </summary>
internal sealed class SocketSplicer(KernelPipePool pipes, SocketReadStream from, Socket to, ISpliceProgress progress, bool toClient, ILogger logger)
{
    private const long WouldBlock = -1;
    // Wake-ups in a row that brought nothing to splice before the reader is left to take the rest: the socket engine's
    // edge-triggered readiness can report bytes this move already took, now and then; many in a row would be a spin.
    private const int MostEmptyWakeUps = 64;

    private readonly Socket _source = from.Connection;
    private bool _nonBlocking; // both descriptors, once seen so (.NET never makes a descriptor blocking again)

    /// <summary>Moves up to <paramref name="count"/> bytes: fewer when the sender closed first or the kernel stopped, none when no pipe was free.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<long> MoveAsync(long count)
    {
        long moved = 0;
        if (!_nonBlocking)
        {
            if (!NonBlocking(_source) || !NonBlocking(to))
            {
                return 0; // a socket no asynchronous operation has touched yet: a splice would block the thread
            }

            _nonBlocking = true;
        }

        int emptyWakeUps = 0; // wake-ups in a row after which nothing was there to splice
        bool waited = false; // the sender was just reported ready
        while (moved < count)
        {
            KernelPipe? pipe = pipes.TryRent();
            if (pipe is null)
            {
                break;
            }

            long held = 0;
            try
            {
                long received = Splice(_source, pipe.WriteEnd, Math.Min(count - moved, pipe.Capacity), intoSocket: false);
                if (received == 0)
                {
                    break; // the sender closed: the reader sees the end next
                }

                if (received < WouldBlock)
                {
                    pipes.MarkUnsupported(Marshal.GetPInvokeErrorMessage(ErrorOf(received)), logger);
                    break;
                }

                if (received == WouldBlock)
                {
                    if (waited && (AtUrgentMark(_source) || ++emptyWakeUps == MostEmptyWakeUps))
                    {
                        // Bytes there that splice will not take: an urgent byte (TCP out-of-band data), where splice stops
                        // and a receive does not. The reader takes it from here.
                        break;
                    }

                    pipes.Return(pipe, empty: true); // no pipe is held while the sender is waited for
                    pipe = null;
                    await _source.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                    waited = true;
                    continue;
                }

                waited = false;
                emptyWakeUps = 0;
                held = received;
                progress.Arrived(toClient);
                while (held > 0)
                {
                    long sent = Splice(to, pipe.ReadEnd, held, intoSocket: true);
                    if (sent > 0)
                    {
                        held -= sent;
                        moved += sent;
                        progress.Moved(toClient, sent);
                        continue;
                    }

                    if (sent < WouldBlock)
                    {
                        pipes.MarkUnsupported(Marshal.GetPInvokeErrorMessage(ErrorOf(sent)), logger);
                    }

                    // The receiver is not reading as fast (or the kernel will not splice into it): the pipe's bytes go
                    // out through the socket engine, which waits for room; the pipe goes back first.
                    byte[] block = ReadOut(pipe, held);
                    pipes.Return(pipe, empty: true);
                    pipe = null;
                    long sending = held;
                    held = 0;
                    await SendAsync(block, (int)sending).ConfigureAwait(false);
                    moved += sending;
                    break;
                }
            }
            finally
            {
                if (pipe is not null)
                {
                    pipes.Return(pipe, empty: held == 0);
                }
            }
        }

        if (moved > 0)
        {
            from.ForgetFill();
        }

        return moved;
    }

    // One splice between a socket and a pipe's end, either way: the bytes moved; WouldBlock when the sending side has
    // nothing or the receiving side no room; below WouldBlock (Refused) when the kernel cannot splice this socket at
    // all; other failures (a reset, a closed socket) end the connection as an IOException.
    private static long Splice(Socket socket, int pipeEnd, long count, bool intoSocket)
    {
        using var descriptor = new SocketDescriptor(socket);
        int fd = descriptor.Number;
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

    private static bool NonBlocking(Socket socket)
    {
        using var descriptor = new SocketDescriptor(socket);
        return SpliceCalls.IsNonBlocking(descriptor.Number);
    }

    private static bool AtUrgentMark(Socket socket)
    {
        using var descriptor = new SocketDescriptor(socket);
        return SpliceCalls.AtUrgentMark(descriptor.Number);
    }

    // A refusal carries its errno below WouldBlock.
    private static long Refused(int error) => WouldBlock - error;

    private static int ErrorOf(long refused) => (int)(WouldBlock - refused);

    // The pipe's bytes, in a rented block (at most a pipe's capacity).
    private static byte[] ReadOut(KernelPipe pipe, long held)
    {
        byte[] block = ArrayPool<byte>.Shared.Rent((int)held);
        if (!SpliceCalls.ReadExactly(pipe.ReadEnd, block.AsSpan(0, (int)held), out string failure))
        {
            ArrayPool<byte>.Shared.Return(block);
            throw new IOException($"Reading a kernel pipe back failed: {failure}.");
        }

        return block;
    }

    private async ValueTask SendAsync(byte[] block, int length)
    {
        progress.SendWaiting(toClient, true);
        try
        {
            int sent = 0;
            while (sent < length)
            {
                int now = await to.SendAsync(block.AsMemory(sent, length - sent), SocketFlags.None).ConfigureAwait(false);
                sent += now;
                progress.Moved(toClient, now);
            }
        }
        finally
        {
            progress.SendWaiting(toClient, false);
            ArrayPool<byte>.Shared.Return(block);
        }
    }
}
