using System.Net.Sockets;
using KafkaProxy.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Proxy;

/// <summary>
/// The engines of the virtual clusters of one process (<c>KafkaProxy:Clusters:&lt;name&gt;</c>), one per cluster, each
/// with its own listeners, upstream security, client authentication, filters and <c>virtual_cluster</c> metrics. Clusters
/// in SNI mode with the same <c>Sni:ListenerAddress</c> share one listener: it reads the server name from each client's
/// ClientHello (before any handshake, so that each cluster answers with its own certificate) and hands the client to the
/// cluster whose bootstrap name or host pattern the name fits; a client that fits none goes to the first cluster, whose
/// SNI routing refuses it with the reason logged and counted.
/// </summary>
internal sealed class VirtualClusters : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<(BrokerListener Listener, Task Accepting)> _sharedListeners = [];

    public VirtualClusters(IReadOnlyList<(string Name, KafkaProxyOptions Options)> clusters, Func<KafkaProxyOptions, bool, ProxyEngine> createEngine, ILogger logger, TimeProvider time)
    {
        _logger = logger;
        _time = time;
        SharedSniGroups = [.. clusters.Where(c => c.Options.Sni.Enabled).GroupBy(c => c.Options.Sni.ListenerAddress!.Value).Select(g => g.Select(c => c.Name).ToList())];
        Engines = [.. clusters.Select(c => (c.Name, createEngine(c.Options, c.Options.Sni.Enabled)))];
    }

    /// <summary>Each cluster's engine, in configuration order.</summary>
    public IReadOnlyList<(string Name, ProxyEngine Engine)> Engines { get; }

    /// <summary>The names of the clusters that share each SNI listener.</summary>
    private List<List<string>> SharedSniGroups { get; }

    /// <summary>Starts every engine, then binds the shared SNI listeners; a failure stops what started.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var (_, engine) in Engines)
            {
                await engine.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var names in SharedSniGroups)
            {
                var engines = names.Select(n => Engines.First(e => e.Name == n).Engine).ToList();
                var first = engines[0].StartOptions;
                var listener = BrokerListener.Bind(first.Sni.ListenerAddress!.Value, new BrokerRoute(first.Sni.UpstreamBootstrapServers[0], first.Sni.UpstreamBootstrapServers[0]), null, isDynamic: false, first.ListenerSockets);
                foreach (var engine in engines)
                {
                    engine.UseSharedSniListener(listener);
                }

                var timeout = first.ClientTls.HandshakeTimeout;
                _sharedListeners.Add((listener, listener.AcceptLoopAsync((l, client) => _ = DispatchAsync(l, client, engines, timeout), _logger, _time)));
            }
        }
        catch
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Closes the shared listeners, then drains every engine at once.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var (listener, _) in _sharedListeners)
        {
            listener.Dispose();
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_sharedListeners.Select(l => l.Accepting)).ConfigureAwait(false);
        await Task.WhenAll(Engines.Select(e => e.Engine.StopAsync(cancellationToken))).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, engine) in Engines)
        {
            await engine.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    // Reads the ClientHello (within the handshake timeout) and hands the client, with those bytes, to its cluster.
    private async Task DispatchAsync(BrokerListener listener, Socket client, List<ProxyEngine> engines, TimeSpan timeout)
    {
        string local = listener.Info.LocalEndPoint.ToString();
        byte[] buffer = new byte[4096]; // a ClientHello fits in this, but may be up to MaxBytes
        int length = 0;
        string? refusal = null;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            deadline.CancelAfter(timeout);
            while (true)
            {
                int read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, deadline.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    refusal = "the client closed the connection before its TLS ClientHello was complete";
                    break;
                }

                length += read;
                var status = TlsClientHello.TryRead(buffer.AsSpan(0, length), out string? serverName);
                if (status == TlsClientHello.Status.NotClientHello)
                {
                    refusal = "its first bytes are not a TLS ClientHello: this listener speaks TLS only";
                    break;
                }

                if (status == TlsClientHello.Status.Complete)
                {
                    // A name no cluster claims goes to the first, whose SNI routing refuses it with the reason.
                    var engine = engines.FirstOrDefault(e => e.ServesServerName(serverName)) ?? engines[0];
                    engine.AcceptShared(client, buffer.AsMemory(0, length));
                    return;
                }

                if (length == buffer.Length)
                {
                    if (length == TlsClientHello.MaxBytes)
                    {
                        refusal = $"its TLS ClientHello is longer than {TlsClientHello.MaxBytes} bytes";
                        break;
                    }

                    Array.Resize(ref buffer, Math.Min(2 * length, TlsClientHello.MaxBytes));
                }
            }
        }
        catch (OperationCanceledException)
        {
            refusal = _stopping.IsCancellationRequested ? "the proxy is stopping" : $"no TLS ClientHello within {timeout}";
        }
        catch (SocketException ex)
        {
            refusal = ex.Message;
        }

        Log.SharedSniRefused(_logger, local, refusal ?? "unknown");
        client.Dispose();
    }
}
