using System.Net;
using System.Net.Sockets;

namespace KafkaProxy.Core.Tests.Proxy.Transport;

/// <summary>Two connected TCP sockets on loopback: the client end sends, the accepted end receives.</summary>
internal sealed class SocketPair : IDisposable
{
    private SocketPair(Socket sender, Socket receiver)
    {
        Sender = sender;
        Receiver = receiver;
    }

    public Socket Sender { get; }

    public Socket Receiver { get; }

    public static async Task<SocketPair> OpenAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var sender = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await sender.ConnectAsync(listener.LocalEndPoint!);
        return new SocketPair(sender, await listener.AcceptAsync());
    }

    public Task<byte[]> ReceiveAsync(int length) => ReceiveExactlyAsync(Receiver, length);

    /// <summary>Exactly <paramref name="length"/> bytes from <paramref name="socket"/>, failing on an early end or after 30 s without bytes.</summary>
    public static async Task<byte[]> ReceiveExactlyAsync(Socket socket, int length)
    {
        var received = new byte[length];
        int at = 0;
        while (at < length)
        {
            int read = await socket.ReceiveAsync(received.AsMemory(at)).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.NotEqual(0, read);
            at += read;
        }

        return received;
    }

    public void Dispose()
    {
        Sender.Dispose();
        Receiver.Dispose();
    }
}
