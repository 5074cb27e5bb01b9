using System.Net;

namespace KafkaProxy.Load.Forwarding;

/// <summary>
/// <c>kafkaproxy-load floor-forwarder &lt;host:port&gt;</c>: a <see cref="BlockingForwarder"/> to that address on a
/// loopback port of the system's choosing, in a process of its own, until standard input closes. Prints one line,
/// <c>LISTENING 127.0.0.1:port</c>, once it accepts connections.
/// </summary>
internal static class FloorForwarderCommand
{
    public const string ListeningPrefix = "LISTENING ";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args.Count != 1 || !IPEndPoint.TryParse(args[0], out var upstream) || upstream.Port == 0)
        {
            Console.Error.WriteLine("Usage: kafkaproxy-load floor-forwarder <ip:port>   forwards a loopback port to that address until stdin closes");
            return 2;
        }

        using var forwarder = BlockingForwarder.Listen(new IPEndPoint(IPAddress.Loopback, 0), upstream);
        var accepting = new Thread(forwarder.Run) { IsBackground = true, Name = "forward-accept" };
        accepting.Start();
        Console.Out.WriteLine(ListeningPrefix + forwarder.LocalEndPoint.ToString());
        Console.Out.Flush();

        // The parent closes our stdin to stop us; if it dies, the pipe closes too.
        await Console.In.ReadToEndAsync();
        return 0;
    }
}
