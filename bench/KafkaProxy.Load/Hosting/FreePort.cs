using System.Net;
using System.Net.Sockets;

namespace KafkaProxy.Load.Hosting;

internal static class FreePort
{
    /// <summary>A loopback port that was free a moment ago (the proxy's flags need numbers before it starts).</summary>
    public static int Next()
    {
        using var probe = new Socket(SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
