using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Proxy.Transport;

/// <summary>
/// The kernel pipes for in-kernel forwarding, made on first use and kept. A move holds one only while bytes are in it,
/// never while it waits for a peer, so few are needed (about one per thread that polls sockets); when all are lent, a
/// frame goes through user memory as it would without them. One pool per process (<see cref="Shared"/>), whatever the
/// number of engines: two descriptors per pipe, taken from those kept back from client connections
/// (<see cref="DescriptorLimit.Reserve"/>).
/// </summary>
internal sealed class KernelPipePool : IDisposable
{
    /// <summary>What each pipe asks for: a 1 MiB Produce request passes in four loads.</summary>
    public const int PipeCapacity = 256 * 1024;

    // Linux's default pipe size; a smaller one (the user's soft limit of pipe pages reached) is not worth its descriptors.
    private const int SmallestUseful = 64 * 1024;

    private static readonly Lazy<KernelPipePool?> Process = new(() => OperatingSystem.IsLinux() ? new KernelPipePool(Math.Clamp(Environment.ProcessorCount, 4, 16)) : null);

    private readonly Stack<KernelPipe> _idle = new();
    private readonly int _cap;
    private int _made;
    private bool _disposed;
    private int _unsupported; // 1 once the kernel refused

    public KernelPipePool(int cap)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cap);
        _cap = cap;
    }

    /// <summary>The process's pool on Linux (4 to 16 pipes, one per core); null elsewhere.</summary>
    public static KernelPipePool? Shared => Process.Value;

    /// <summary>False once the kernel refused to splice a socket: every later frame goes through user memory.</summary>
    public bool Enabled => Volatile.Read(ref _unsupported) == 0;

    /// <summary>An idle pipe, or a new one while the cap allows; null when none is free.</summary>
    public KernelPipe? TryRent()
    {
        if (!Enabled)
        {
            return null;
        }

        lock (_idle)
        {
            if (_disposed)
            {
                return null;
            }

            if (_idle.TryPop(out var pipe))
            {
                return pipe;
            }

            if (_made == _cap)
            {
                return null;
            }

            pipe = KernelPipe.TryOpen(PipeCapacity, SmallestUseful);
            if (pipe is not null)
            {
                _made++;
            }

            return pipe;
        }
    }

    /// <summary>Takes back an empty pipe; one that may still hold bytes (a move that failed half way) is closed instead.</summary>
    public void Return(KernelPipe pipe, bool empty)
    {
        lock (_idle)
        {
            if (empty && !_disposed && Enabled)
            {
                _idle.Push(pipe);
                return;
            }

            _made--;
        }

        pipe.Dispose();
    }

    /// <summary>
    /// The kernel cannot splice these sockets (a kernel without it, a sandbox that forbids the call): stop trying, close
    /// the idle pipes, and say so once, in <paramref name="logger"/>.
    /// </summary>
    public void MarkUnsupported(string reason, ILogger logger)
    {
        if (Interlocked.Exchange(ref _unsupported, 1) == 0)
        {
            Log.SpliceUnsupported(logger, reason);
            CloseIdle();
        }
    }

    public void Dispose()
    {
        lock (_idle)
        {
            _disposed = true;
        }

        CloseIdle();
    }

    private void CloseIdle()
    {
        lock (_idle)
        {
            while (_idle.TryPop(out var pipe))
            {
                _made--;
                pipe.Dispose();
            }
        }
    }
}
