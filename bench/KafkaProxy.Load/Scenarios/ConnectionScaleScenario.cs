using System.Diagnostics;
using System.Net.Sockets;
using KafkaProxy.Load.Hosting;
using KafkaProxy.Load.Wire;

namespace KafkaProxy.Load.Scenarios;

/// <summary>
/// Opens N client connections to the proxy's listener for broker 1 and leaves them idle; the proxy dials one
/// upstream connection for each. Measures the proxy's RSS before and after, once its own gauge counts them all and
/// a sample of them has answered an ApiVersions request (so every pump is running, not just accepted).
/// </summary>
internal sealed class ConnectionScaleScenario(ProxyProcess proxy, int connections)
{
    private const int ConcurrentConnects = 64;
    private const int SampleEvery = 100;

    public async Task<ConnectionScaleResult> RunAsync()
    {
        var before = await proxy.ScrapeAsync();
        double openBefore = before.Sum("proxy_opened_connections");
        var rssBefore = proxy.Sample().RssBytes;
        var (host, port) = new Target("proxied", proxy.Listeners).FirstBroker;

        var sockets = new Socket[connections];
        var clock = Stopwatch.StartNew();
        try
        {
            using var gate = new SemaphoreSlim(ConcurrentConnects);
            await Task.WhenAll(Enumerable.Range(0, connections).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                    sockets[i] = socket;
                    await socket.ConnectAsync(host, port);
                }
                finally
                {
                    gate.Release();
                }
            }));

            await WaitForOpenConnectionsAsync(openBefore + connections);
            await Task.Run(() => PingSample(sockets));
            double openSeconds = clock.Elapsed.TotalSeconds;

            var after = await proxy.ScrapeAsync();
            long rssAfter = proxy.Sample().RssBytes;
            double allocated = after.Sum("dotnet_gc_heap_total_allocated") - before.Sum("dotnet_gc_heap_total_allocated");
            return new ConnectionScaleResult(connections, rssBefore, rssAfter, allocated, openSeconds);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket?.Dispose();
            }

            await WaitForOpenConnectionsAsync(openBefore);
        }
    }

    // A connection the proxy accepted might still be dialing; one answered request per sample proves the whole path.
    private static void PingSample(Socket[] sockets)
    {
        var request = PingRequest.ApiVersions();
        for (int i = 0; i < sockets.Length; i += SampleEvery)
        {
            var socket = sockets[i];
            socket.Send(request.Frame(1));
            var size = new byte[4];
            socket.ReceiveExactly(size);
            var body = new byte[System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(size)];
            socket.ReceiveExactly(body);
        }
    }

    private async Task WaitForOpenConnectionsAsync(double expected)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            double open = (await proxy.ScrapeAsync()).Sum("proxy_opened_connections");
            if (open == expected)
            {
                return;
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"the proxy reports {open} open connections, not {expected}, 60 s after the last connect or close");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}
