using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>
/// A broker as small as a test needs, on a loopback port: it answers ApiVersions v0 and Metadata v1 with bytes built here
/// from the message schemas, naming whichever brokers the test chooses (a buggy or hostile upstream). Any other request
/// closes its connection.
/// </summary>
internal sealed class ScriptedBroker : IAsyncDisposable
{
    private const short MetadataKey = 3;
    private const short ApiVersionsKey = 18;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<IReadOnlyList<NamedBroker>> _brokers;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _accepting;
    private int _metadataAnswers;

    /// <param name="brokers">The brokers each Metadata answer names, asked for anew per answer.</param>
    public ScriptedBroker(Func<IReadOnlyList<NamedBroker>> brokers)
    {
        _brokers = brokers;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int MetadataAnswers => Volatile.Read(ref _metadataAnswers);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAll(_connections.Append(_accepting).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _connections.Add(ServeAsync(socket));
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
                short apiKey = BinaryPrimitives.ReadInt16BigEndian(request);
                short version = BinaryPrimitives.ReadInt16BigEndian(request.AsSpan(2));
                int correlationId = BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(4));
                var body = new ArrayBufferWriter<byte>();
                switch (apiKey, version)
                {
                    case (ApiVersionsKey, 0):
                        WriteApiVersionsV0(body);
                        break;
                    case (MetadataKey, 1):
                        WriteMetadataV1(body, _brokers());
                        Interlocked.Increment(ref _metadataAnswers);
                        break;
                    default:
                        return;
                }

                var frame = new byte[8 + body.WrittenCount];
                BinaryPrimitives.WriteInt32BigEndian(frame, 4 + body.WrittenCount);
                BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), correlationId); // response header v0
                body.WrittenSpan.CopyTo(frame.AsSpan(8));
                await stream.WriteAsync(frame, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or OperationCanceledException or SocketException)
        {
            // The proxy closed the connection, or the test ended.
        }
    }

    // ApiVersionsResponse v0: error_code, [api_key, min_version, max_version].
    private static void WriteApiVersionsV0(ArrayBufferWriter<byte> body)
    {
        body.WriteInt16(0);
        body.WriteInt32(2);
        body.WriteInt16(MetadataKey);
        body.WriteInt16(1);
        body.WriteInt16(1);
        body.WriteInt16(ApiVersionsKey);
        body.WriteInt16(0);
        body.WriteInt16(0);
    }

    // MetadataResponse v1: [node_id, host, port, rack], controller_id, [topics] (none).
    private static void WriteMetadataV1(ArrayBufferWriter<byte> body, IReadOnlyList<NamedBroker> brokers)
    {
        body.WriteInt32(brokers.Count);
        foreach (var broker in brokers)
        {
            body.WriteInt32(broker.NodeId);
            body.WriteString(broker.Host, compact: false);
            body.WriteInt32(broker.Port);
            body.WriteInt16(-1); // rack: null
        }

        body.WriteInt32(brokers.Count > 0 ? brokers[0].NodeId : -1);
        body.WriteInt32(0);
    }

    /// <summary>A broker as a Metadata answer names it; <paramref name="Host"/> is the exact bytes, valid UTF-8 or not.</summary>
    internal sealed record NamedBroker(int NodeId, byte[] Host, int Port);
}
