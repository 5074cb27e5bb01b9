using System.Net;
using System.Net.Sockets;

namespace KafkaProxy.Tests.Shared;

/// <summary>
/// Runs of consecutive free ports on 127.0.0.1 for tests that must choose their ports (node-id ports, restarts on the
/// same ports): below the ephemeral range, so that no client socket takes one, and checked free by binding each.
/// </summary>
internal static class FreePorts
{
    /// <summary>The first of <paramref name="count"/> consecutive ports that were all free a moment ago.</summary>
    public static int FindRun(int count)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            int first = Random.Shared.Next(20_000, 32_000 - count);
            if (Enumerable.Range(first, count).All(IsFree))
            {
                return first;
            }
        }

        throw new InvalidOperationException($"no {count} consecutive free ports found between 20000 and 32000");
    }

    private static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
