using System.Net.Sockets;

namespace KafkaProxy.Load.Wire;

internal static class SocketExtensions
{
    public static void ReceiveExactly(this Socket socket, Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int read = socket.Receive(buffer);
            if (read == 0)
            {
                throw new IOException("the server closed the connection");
            }

            buffer = buffer[read..];
        }
    }
}
