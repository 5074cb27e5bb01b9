using System.Buffers.Binary;
using System.Net.Sockets;

namespace KafkaProxy.Testing.Tests;

/// <summary>Asks a broker for its ApiVersions (v0) over a raw socket, independently of any client library.</summary>
internal static class RawApiVersions
{
    public static async Task<Dictionary<short, (short Min, short Max)>> QueryAsync(TestBroker broker)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(broker.Host, broker.Port);
        var stream = client.GetStream();

        byte[] request =
        [
            0x00, 0x00, 0x00, 0x0A, // frame size: 10
            0x00, 0x12,             // api key 18 (ApiVersions)
            0x00, 0x00,             // api version 0
            0x00, 0x00, 0x00, 0x07, // correlation id 7
            0xFF, 0xFF,             // client id: null
        ];
        await stream.WriteAsync(request);

        var sizeBytes = new byte[4];
        await stream.ReadExactlyAsync(sizeBytes);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(sizeBytes)];
        await stream.ReadExactlyAsync(body);

        // correlation id (4) error code (2) array count (4) then [key min max] int16 triples.
        Assert.Equal(7, BinaryPrimitives.ReadInt32BigEndian(body));
        Assert.Equal(0, BinaryPrimitives.ReadInt16BigEndian(body.AsSpan(4)));
        int count = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(6));
        var ranges = new Dictionary<short, (short, short)>();
        for (int i = 0, at = 10; i < count; i++, at += 6)
        {
            ranges[BinaryPrimitives.ReadInt16BigEndian(body.AsSpan(at))] =
                (BinaryPrimitives.ReadInt16BigEndian(body.AsSpan(at + 2)), BinaryPrimitives.ReadInt16BigEndian(body.AsSpan(at + 4)));
        }

        return ranges;
    }
}
