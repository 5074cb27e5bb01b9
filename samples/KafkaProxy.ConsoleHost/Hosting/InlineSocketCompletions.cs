namespace KafkaProxy.ConsoleHost.Hosting;

/// <summary>
/// Socket completions run on the thread that polls the sockets instead of being handed to a thread-pool worker: the
/// proxy's work per frame is short and never blocks, and the hand-off (a worker woken, then spinning for more work)
/// cost more CPU than the frame itself: per ping-pong round trip 8 system calls instead of 12 to 16, and about half
/// the CPU (bench/results/findings.md, finding 6). The .NET runtime reads the switch once, when the first socket
/// operation starts, so it is set before anything else runs; an operator's own value of the variable is kept
/// (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0</c> turns it off). Request filters that block a thread would stall
/// every connection of that polling thread: filters are asynchronous and must not block.
/// </summary>
internal static class InlineSocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void PreferUnlessSet()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }
}
