using System.Net.Sockets;

namespace KafkaProxy.Core.Proxy.Transport;

/// <summary>
/// A socket's descriptor number for the length of a system call the socket engine does not make itself: while it is
/// held, closing the socket cannot release the number for another file to reuse under the call. A closed socket throws
/// <see cref="ObjectDisposedException"/>, an ordinary end of a connection.
/// </summary>
internal readonly ref struct SocketDescriptor
{
    private readonly SafeSocketHandle _handle;

    public SocketDescriptor(Socket socket)
    {
        _handle = socket.SafeHandle;
        bool added = false;
        _handle.DangerousAddRef(ref added);
        Number = (int)_handle.DangerousGetHandle();
    }

    public int Number { get; }

    public void Dispose() => _handle.DangerousRelease();
}
