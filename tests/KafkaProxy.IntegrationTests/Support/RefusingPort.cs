using System.Net;
using System.Net.Sockets;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>
/// A loopback port that refuses every dial while this lives: bound but not listening. Nothing else in the suite (a
/// listener, or an outgoing connection's ephemeral port) can take the port meanwhile and answer, as it could between a
/// probe listener's stop and the dial.
/// </summary>
internal sealed class RefusingPort : IDisposable
{
    private readonly Socket _socket;

    public RefusingPort()
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}
