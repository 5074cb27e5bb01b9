using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>
/// A bare socket speaking HTTP/1.1 by hand, to send what no HTTP client would: bad chunk framing, bodies that stop
/// short or trickle, connections reset mid-body.
/// </summary>
internal sealed class RawHttpConnection : IDisposable
{
    private readonly Socket _socket = new(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly List<byte> _received = [];

    public static async Task<RawHttpConnection> ConnectAsync(Uri address)
    {
        var connection = new RawHttpConnection();
        await connection._socket.ConnectAsync(address.Host, address.Port);
        return connection;
    }

    /// <summary>The head of a push request with the right token and content type, then <paramref name="headers"/> (each ending in CRLF).</summary>
    public static string PushHead(string headers, string path = "/") =>
        $"POST {path} HTTP/1.1\r\nHost: gateway\r\nx-kafka-proxy-token: {RunningGateway.Token}\r\nContent-Type: application/octet-stream\r\n{headers}\r\n";

    public Task SendTextAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    public async Task SendAsync(byte[] data)
    {
        using var patience = new CancellationTokenSource(Clients.Patience);
        ReadOnlyMemory<byte> bytes = data;
        while (!bytes.IsEmpty)
        {
            int sent = await _socket.SendAsync(bytes, SocketFlags.None, patience.Token);
            bytes = bytes[sent..];
        }
    }

    /// <summary>Sends nothing more: the server sees the end of the stream (FIN) and can still answer.</summary>
    public void EndSending() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Closes with SO_LINGER 0, so the server gets a reset (RST), as when a client times out and gives up.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(enable: true, seconds: 0);
        _socket.Close();
    }

    /// <summary>Waits for the server's <c>100 Continue</c>, which Kestrel sends when the application starts reading the body.</summary>
    public async Task WaitForContinueAsync()
    {
        var head = await ReadHeadAsync();
        Assert.Equal(100, head.StatusCode);
    }

    /// <summary>Reads one final response (1xx responses are skipped), its body by Content-Length, chunks or the end of the stream.</summary>
    public async Task<RawHttpResponse> ReadResponseAsync()
    {
        var head = await ReadHeadAsync();
        while (head.StatusCode < 200)
        {
            head = await ReadHeadAsync();
        }

        byte[] body;
        if (head.Headers.TryGetValue("content-length", out string? length))
        {
            body = await ReadExactlyAsync(int.Parse(length, CultureInfo.InvariantCulture));
        }
        else if (head.Headers.TryGetValue("transfer-encoding", out string? encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var chunks = new List<byte>();
            while (true)
            {
                int size = int.Parse(Encoding.ASCII.GetString(await ReadLineAsync()).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                chunks.AddRange(await ReadExactlyAsync(size));
                Assert.Empty(await ReadLineAsync());
                if (size == 0)
                {
                    break;
                }
            }

            body = [.. chunks];
        }
        else
        {
            while (await ReceiveAsync())
            {
            }

            body = [.. _received];
            _received.Clear();
        }

        return new RawHttpResponse(head.StatusCode, head.Headers, Encoding.UTF8.GetString(body));
    }

    /// <summary>Whether the server closed the connection (a read returns the end of the stream or a reset).</summary>
    public async Task<bool> IsClosedByServerAsync()
    {
        try
        {
            return !await ReceiveAsync() && _received.Count == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public void Dispose() => _socket.Dispose();

    private async Task<RawHttpResponse> ReadHeadAsync()
    {
        string statusLine = Encoding.ASCII.GetString(await ReadLineAsync());
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await ReadLineAsync() is { Length: > 0 } line)
        {
            string text = Encoding.ASCII.GetString(line);
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            headers[text[..colon].Trim()] = text[(colon + 1)..].Trim();
        }

        Assert.StartsWith("HTTP/1.1 ", statusLine, StringComparison.Ordinal);
        return new RawHttpResponse(int.Parse(statusLine.AsSpan(9, 3), CultureInfo.InvariantCulture), headers, "");
    }

    private async Task<byte[]> ReadLineAsync()
    {
        while (true)
        {
            for (int i = 1; i < _received.Count; i++)
            {
                if (_received[i - 1] == '\r' && _received[i] == '\n')
                {
                    byte[] line = [.. _received.GetRange(0, i - 1)];
                    _received.RemoveRange(0, i + 1);
                    return line;
                }
            }

            Assert.True(await ReceiveAsync(), "the server closed the connection in the middle of a response line");
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count)
    {
        while (_received.Count < count)
        {
            Assert.True(await ReceiveAsync(), $"the server closed the connection after {_received.Count} of {count} body bytes");
        }

        byte[] bytes = [.. _received.GetRange(0, count)];
        _received.RemoveRange(0, count);
        return bytes;
    }

    private async Task<bool> ReceiveAsync()
    {
        var buffer = new byte[16 * 1024];
        using var patience = new CancellationTokenSource(Clients.Patience);
        int read = await _socket.ReceiveAsync(buffer, SocketFlags.None, patience.Token);
        _received.AddRange(buffer.AsSpan(0, read));
        return read > 0;
    }
}

/// <summary>A response as read off the wire; header names are case-insensitive.</summary>
internal sealed record RawHttpResponse(int StatusCode, IReadOnlyDictionary<string, string> Headers, string Body);
