using System.Net.Sockets;
using KafkaProxy.Core.Proxy;

namespace KafkaProxy.Core.Chaos;

/// <summary>
/// The chaos proxies of one engine, one per listener, which the Toxiproxy API and the C# chaos proxy change while
/// clients run. Registered with <c>AddChaos()</c>; an engine without it makes no chaos wrapper for any connection.
/// </summary>
internal sealed class ChaosProxies
{
    /// <summary>What <c>GET /version</c> answers.</summary>
    public const string Version = "kafkaproxy-chaos-1";

    private readonly Lock _gate = new();
    private ChaosProxy[] _proxies = [];
    private int _mapped;
    private TimeProvider _time = TimeProvider.System;

    /// <summary>Every proxy, by name.</summary>
    public IReadOnlyList<ChaosProxy> All => [.. Volatile.Read(ref _proxies).OrderBy(p => p.Name, StringComparer.Ordinal)];

    /// <summary>The engine's clock, for the toxics' delays and timers.</summary>
    public void UseClock(TimeProvider time) => _time = time;

    /// <summary>Adds the proxy of a listener the engine started.</summary>
    public ChaosProxy Add(ProxyListenerInfo listener, BrokerRoute route, Func<int?> nodeId)
    {
        lock (_gate)
        {
            string fallback = listener.IsDynamic
                ? "listener-" + listener.LocalEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : "bootstrap-" + (++_mapped).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var proxy = new ChaosProxy(fallback, listener, route, nodeId);
            _proxies = [.. _proxies, proxy];
            return proxy;
        }
    }

    /// <exception cref="ChaosRequestException">No proxy has that name (404).</exception>
    public ChaosProxy Get(string name)
    {
        var proxies = Volatile.Read(ref _proxies);
        return Array.Find(proxies, p => p.Name == name) ?? Array.Find(proxies, p => p.FallbackName == name)
            ?? throw new ChaosRequestException(ChaosRequestException.NotFound,
                $"proxy '{name}' not found; the proxies: {(proxies.Length == 0 ? "none yet" : string.Join(", ", All.Select(p => p.Name)))}. Proxies are the proxy's broker listeners: one appears when a response first names its broker.");
    }

    /// <summary>Enables every proxy and removes every toxic.</summary>
    public void Reset()
    {
        foreach (var proxy in Volatile.Read(ref _proxies))
        {
            proxy.Reset();
        }
    }

    /// <summary>The chaos state of an open connection, for filters that apply Kafka-level toxics.</summary>
    public bool TryGetConnection(long connectionId, out ChaosConnection connection)
    {
        foreach (var proxy in Volatile.Read(ref _proxies))
        {
            if (proxy.TryGetConnection(connectionId, out connection))
            {
                return true;
            }
        }

        connection = null!;
        return false;
    }

    /// <summary>Whether the listener of <paramref name="route"/> refuses clients now.</summary>
    public bool Refuses(BrokerRoute route) => Find(route) is { Enabled: false };

    /// <summary>The client stream of a new connection with its proxy's toxics applied.</summary>
    public Stream Wrap(BrokerRoute route, long connectionId, Stream clientStream, Socket client, Action abort)
    {
        if (Find(route) is not { } proxy)
        {
            return clientStream;
        }

        var connection = proxy.Attach(new ChaosConnection(connectionId, proxy, client, abort, _time));
        return new ChaosStream(clientStream, connection);
    }

    /// <summary>Waits out the <c>slow_close</c> toxics of a connection's stream before it closes.</summary>
    public static Task SlowCloseAsync(Stream clientStream) => clientStream is ChaosStream chaos ? chaos.Connection.SlowCloseAsync() : Task.CompletedTask;

    private ChaosProxy? Find(BrokerRoute route) => Array.Find(Volatile.Read(ref _proxies), p => ReferenceEquals(p.Route, route));
}
