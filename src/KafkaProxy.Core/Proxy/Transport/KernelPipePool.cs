using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Proxy.Transport;

/// <summary>
/// The engine's kernel pipes for in-kernel forwarding, made on first use and kept. A move holds one while it runs, so
/// few are needed (moves run on the socket threads, about one per core); when all are lent, a frame is forwarded through
/// user memory as it would be without them. Two descriptors each: the pool's cap is what it takes from the descriptors
/// kept back from client connections (<see cref="DescriptorLimit.Reserve"/>).
/// </summary>
internal sealed class KernelPipePool : IDisposable
{
    /// <summary>What each pipe asks for (Linux's default cap for one pipe): a Produce request of up to 1 MiB passes in one load.</summary>
    public const int PipeCapacity = 1024 * 1024;

    private readonly Stack<KernelPipe> _idle = new();
    private readonly int _cap;
    private readonly ILogger _logger;
    private int _made;
    private bool _disposed;
    private int _unsupported; // 1 once the kernel refused

    public KernelPipePool(int cap, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cap);
        _cap = cap;
        _logger = logger;
    }

    /// <summary>The pool for this machine: on Linux, <paramref name="cap"/> pipes at most; null elsewhere.</summary>
    public static KernelPipePool? ForThisMachine(int cap, ILogger logger) => OperatingSystem.IsLinux() ? new KernelPipePool(cap, logger) : null;

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

            pipe = KernelPipe.TryOpen(PipeCapacity);
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
            if (empty && !_disposed)
            {
                _idle.Push(pipe);
                return;
            }

            _made--;
        }

        pipe.Dispose();
    }

    /// <summary>
    /// The kernel cannot splice these sockets (a kernel without it, a sandbox that forbids the call): stop trying, and
    /// say so once.
    /// </summary>
    public void MarkUnsupported(string reason)
    {
        if (Interlocked.Exchange(ref _unsupported, 1) == 0)
        {
            Log.SpliceUnsupported(_logger, reason);
        }
    }

    public void Dispose()
    {
        lock (_idle)
        {
            _disposed = true;
            while (_idle.TryPop(out var pipe))
            {
                pipe.Dispose();
            }
        }
    }
}
