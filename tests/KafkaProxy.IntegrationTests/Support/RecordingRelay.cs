using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>A TCP relay in front of one broker that records every request and its response, byte for byte.</summary>
internal sealed class RecordingRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _pumps = [];
    private readonly Task _accepting;

    public RecordingRelay(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public ConcurrentQueue<Exchange> Exchanges { get; } = new();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await Task.WhenAll(_pumps.Append(_accepting).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var broker = new TcpClient();
            await broker.ConnectAsync(_targetHost, _targetPort);
            var pending = new ConcurrentDictionary<int, (short Key, short Version, byte[] Request)>();
            _pumps.Add(PumpAsync(client, broker, frame =>
            {
                short key = BinaryPrimitives.ReadInt16BigEndian(frame);
                short version = BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(2));
                pending[BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4))] = (key, version, frame);
            }));
            _pumps.Add(PumpAsync(broker, client, frame =>
            {
                if (pending.TryRemove(BinaryPrimitives.ReadInt32BigEndian(frame), out var request))
                {
                    Exchanges.Enqueue(new Exchange(request.Key, request.Version, request.Request, frame));
                }
            }));
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, Action<byte[]> record)
    {
        var source = from.GetStream();
        var destination = to.GetStream();
        var size = new byte[4];
        try
        {
            while (true)
            {
                await source.ReadExactlyAsync(size, _stop.Token);
                var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
                await source.ReadExactlyAsync(frame, _stop.Token);
                record(frame);
                await destination.WriteAsync(size, _stop.Token);
                await destination.WriteAsync(frame, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            from.Dispose();
            to.Dispose();
        }
    }

    /// <summary>One request and its response, each the frame after its size prefix (header included).</summary>
    internal sealed record Exchange(short ApiKey, short ApiVersion, byte[] Request, byte[] Response);
}
