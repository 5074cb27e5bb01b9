namespace KafkaProxy.Core.Proxy.Transport;

/// <summary>
/// A kernel pipe that bytes pass through on their way from one socket to another (<see cref="SocketSplicer"/>): it holds
/// references to the socket buffers' pages, not copies. Lent by <see cref="KernelPipePool"/> for one move at a time.
/// </summary>
internal sealed class KernelPipe : IDisposable
{
    private KernelPipe(int readEnd, int writeEnd, int capacity)
    {
        ReadEnd = readEnd;
        WriteEnd = writeEnd;
        Capacity = capacity;
    }

    public int ReadEnd { get; }

    public int WriteEnd { get; }

    /// <summary>How many bytes it holds at most.</summary>
    public int Capacity { get; }

    /// <summary>
    /// A new pipe of about <paramref name="capacity"/> bytes; null when the process has no descriptors left or the pipe
    /// would hold less than <paramref name="smallest"/>.
    /// </summary>
    public static KernelPipe? TryOpen(int capacity, int smallest)
    {
        int size = SpliceCalls.OpenPipe(capacity, out int readEnd, out int writeEnd);
        if (size >= smallest)
        {
            return new KernelPipe(readEnd, writeEnd, size);
        }

        SpliceCalls.CloseQuietly(readEnd);
        SpliceCalls.CloseQuietly(writeEnd);
        return null;
    }

    public void Dispose()
    {
        SpliceCalls.CloseQuietly(ReadEnd);
        SpliceCalls.CloseQuietly(WriteEnd);
    }
}
