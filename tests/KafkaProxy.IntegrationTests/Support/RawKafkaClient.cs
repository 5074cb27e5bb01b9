using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>A bare socket that sends hand-built requests and returns raw response payloads, to pin exact versions.</summary>
internal sealed class RawKafkaClient : IAsyncDisposable
{
    private readonly TcpClient _tcp = new();
    private int _correlation;

    public static async Task<RawKafkaClient> ConnectAsync(string host, int port)
    {
        var client = new RawKafkaClient();
        await client._tcp.ConnectAsync(host, port);
        return client;
    }

    public NetworkStream Stream => _tcp.GetStream();

    /// <summary>Sends a request (header v1 or v2 by <paramref name="flexible"/>) and returns the response payload after the correlation id.</summary>
    public async Task<byte[]> SendAsync(short apiKey, short version, bool flexible, Action<ArrayBufferWriter<byte>> body)
    {
        int correlation = ++_correlation;
        var payload = new ArrayBufferWriter<byte>();
        payload.WriteInt16(apiKey);
        payload.WriteInt16(version);
        payload.WriteInt32(correlation);
        payload.WriteString("raw-test", compact: false);
        if (flexible)
        {
            payload.WriteUnsignedVarInt(0);
        }

        body(payload);
        var frame = new byte[4 + payload.WrittenCount];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.WrittenCount);
        payload.WrittenSpan.CopyTo(frame.AsSpan(4));
        await Stream.WriteAsync(frame);

        var size = new byte[4];
        await Stream.ReadExactlyAsync(size).AsTask().WaitAsync(Clients.Patience);
        var response = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        await Stream.ReadExactlyAsync(response).AsTask().WaitAsync(Clients.Patience);
        Assert.Equal(correlation, BinaryPrimitives.ReadInt32BigEndian(response));
        return response[4..];
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
