using System.Net.Sockets;
using KafkaProxy.Core.Configuration;

namespace KafkaProxy.Core.Proxy;

internal static class SocketSetup
{
    /// <summary>No Nagle delay (Kafka frames are latency-sensitive), buffer sizes and keep-alive as configured.</summary>
    public static void Apply(Socket socket, SocketOptions options)
    {
        socket.NoDelay = true;
        if (options.ReceiveBufferSize > 0)
        {
            socket.ReceiveBufferSize = options.ReceiveBufferSize;
        }

        if (options.SendBufferSize > 0)
        {
            socket.SendBufferSize = options.SendBufferSize;
        }

        if (options.KeepAlive > TimeSpan.Zero)
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, Math.Max(1, (int)options.KeepAlive.TotalSeconds));
        }
    }
}
