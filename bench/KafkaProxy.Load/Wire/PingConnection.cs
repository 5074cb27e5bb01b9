using System.Buffers.Binary;
using System.Net.Sockets;

namespace KafkaProxy.Load.Wire;

/// <summary>
/// A blocking TCP connection that sends one request and reads its whole response before the next: ping-pong, the
/// smallest client overhead there is, so the round trip is mostly the server's (and the proxy's) time.
/// </summary>
internal sealed class PingConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _sizeBuffer = new byte[4];
    private byte[] _response = new byte[64 * 1024];
    private int _correlationId;

    private PingConnection(Socket socket) => _socket = socket;

    public static PingConnection Open(string host, int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(host, port);
            return new PingConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="request"/> and waits for its response; throws when the answer is not it.</summary>
    public void RoundTrip(PingRequest request)
    {
        int correlationId = ++_correlationId;
        _socket.Send(request.Frame(correlationId));
        _socket.ReceiveExactly(_sizeBuffer);
        int size = BinaryPrimitives.ReadInt32BigEndian(_sizeBuffer);
        if (size < 4)
        {
            throw new InvalidDataException($"{request.Name}: a response of {size} bytes");
        }

        if (size > _response.Length)
        {
            _response = new byte[size];
        }

        _socket.ReceiveExactly(_response.AsSpan(0, size));
        int answered = BinaryPrimitives.ReadInt32BigEndian(_response);
        if (answered != correlationId)
        {
            throw new InvalidDataException($"{request.Name}: the response has correlation id {answered}, not {correlationId}");
        }
    }

    public void Dispose() => _socket.Dispose();
}
