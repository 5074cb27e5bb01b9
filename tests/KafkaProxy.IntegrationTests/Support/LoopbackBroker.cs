using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>
/// A broker of a test's own on a loopback port: it reads each request frame and answers with the body
/// <see cref="Answer"/> builds, after a v0 response header with the request's correlation id, in writes of 16 KiB (so a
/// big answer reaches the proxy in several reads). No body closes the connection.
/// </summary>
internal abstract class LoopbackBroker : IAsyncDisposable
{
    private const int WriteSize = 16 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _accepting;

    protected LoopbackBroker()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAll(_connections.Append(_accepting).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The response body (after the header) to a request (its bytes after the size prefix); null closes the connection.</summary>
    protected abstract byte[]? Answer(short apiKey, short version, byte[] request);

    private async Task AcceptAsync()
    {
        while (true)
        {
            try
            {
                _connections.Add(ServeAsync(await _listener.AcceptSocketAsync(_stop.Token)));
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var stream = new NetworkStream(socket, ownsSocket: true);
        var size = new byte[4];
        try
        {
            while (true)
            {
                await stream.ReadExactlyAsync(size, _stop.Token);
                var request = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
                await stream.ReadExactlyAsync(request, _stop.Token);
                if (Answer(BinaryPrimitives.ReadInt16BigEndian(request), BinaryPrimitives.ReadInt16BigEndian(request.AsSpan(2)), request) is not { } body)
                {
                    return;
                }

                var frame = new byte[8 + body.Length];
                BinaryPrimitives.WriteInt32BigEndian(frame, 4 + body.Length);
                request.AsSpan(4, 4).CopyTo(frame.AsSpan(4)); // correlation id
                body.CopyTo(frame, 8);
                for (int at = 0; at < frame.Length; at += WriteSize)
                {
                    await stream.WriteAsync(frame.AsMemory(at, Math.Min(WriteSize, frame.Length - at)), _stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or OperationCanceledException or SocketException)
        {
            // The proxy closed the connection, or the test ended.
        }
    }
}
