using System.Collections.Concurrent;
using System.Text.Json;
using KafkaProxy.Core.Proxy;

namespace KafkaProxy.Core.Chaos;

/// <summary>
/// One listener of the engine as the Toxiproxy API shows it: a proxy named after its broker (<c>broker-&lt;node id&gt;</c>
/// once a response has named the node at its upstream address; a mapped listener is <c>bootstrap-&lt;n&gt;</c> until then, and
/// that name keeps finding it), its toxics, and whether it takes clients. Thread-safe; changes apply to open connections.
/// </summary>
internal sealed class ChaosProxy
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<long, ChaosConnection> _connections = new();
    private readonly Func<int?> _nodeId;
    private Toxic[] _toxics = [];
    private volatile bool _enabled = true;

    public ChaosProxy(string fallbackName, ProxyListenerInfo listener, BrokerRoute route, Func<int?> nodeId)
    {
        FallbackName = fallbackName;
        Listen = listener.LocalEndPoint.ToString();
        Upstream = route.Dial.ToString();
        Route = route;
        _nodeId = nodeId;
    }

    /// <summary><c>broker-&lt;node id&gt;</c> when the node is known; <see cref="FallbackName"/> until then.</summary>
    public string Name => _nodeId() is { } id ? BrokerName(id) : FallbackName;

    /// <summary>The name before the node is known: <c>bootstrap-&lt;n&gt;</c> for the n-th mapped broker.</summary>
    public string FallbackName { get; }

    /// <summary>Where the listener is bound.</summary>
    public string Listen { get; }

    /// <summary>The broker address its connections dial.</summary>
    public string Upstream { get; }

    public BrokerRoute Route { get; }

    /// <summary>False while the proxy refuses clients (the broker taken away).</summary>
    public bool Enabled => _enabled;

    /// <summary>The toxics, in the order they were added; a new array on every change.</summary>
    public Toxic[] Toxics => Volatile.Read(ref _toxics);

    public static string BrokerName(int nodeId) => "broker-" + nodeId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Disabled: the listener accepts and closes every new client at once (the port stays bound, so that enabling it
    /// brings the broker back on the same port), and every open connection closes. Enabled: clients are served again.
    /// </summary>
    public void SetEnabled(bool enabled)
    {
        _enabled = enabled;
        if (!enabled)
        {
            foreach (var connection in _connections.Values)
            {
                connection.Abort(reset: false);
            }
        }
    }

    /// <exception cref="ChaosRequestException">A field is wrong (400) or the name is taken (409).</exception>
    public Toxic AddToxic(string? name, string? type, string? stream, double? toxicity, JsonElement attributes)
    {
        var toxic = Toxic.Create(name, type, stream, toxicity, attributes);
        lock (_gate)
        {
            if (Array.Exists(_toxics, t => t.Name == toxic.Name))
            {
                throw new ChaosRequestException(ChaosRequestException.Conflict, $"toxic '{toxic.Name}' already exists on proxy '{Name}': give another name, or update it with POST /proxies/{Name}/toxics/{toxic.Name}");
            }

            Publish([.. _toxics, toxic]);
        }

        return toxic;
    }

    /// <exception cref="ChaosRequestException">The toxic is unknown (404) or a field is wrong (400).</exception>
    public Toxic UpdateToxic(string name, JsonElement attributes, double? toxicity)
    {
        lock (_gate)
        {
            int index = IndexOf(name);
            var updated = _toxics[index].Update(attributes, toxicity);
            var toxics = _toxics.ToArray();
            toxics[index] = updated;
            Publish(toxics);
            return updated;
        }
    }

    /// <exception cref="ChaosRequestException">The toxic is unknown (404).</exception>
    public void RemoveToxic(string name)
    {
        lock (_gate)
        {
            int index = IndexOf(name);
            Publish([.. _toxics.Where((_, i) => i != index)]);
        }
    }

    /// <exception cref="ChaosRequestException">The toxic is unknown (404).</exception>
    public Toxic GetToxic(string name)
    {
        var toxics = Toxics;
        return Array.Find(toxics, t => t.Name == name) ?? throw NoToxic(name, toxics);
    }

    /// <summary>Enables the proxy and removes every toxic.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            Publish([]);
        }

        SetEnabled(true);
    }

    /// <summary>Starts applying the toxics to a new connection.</summary>
    public ChaosConnection Attach(ChaosConnection connection)
    {
        _connections[connection.Id] = connection;
        connection.Refresh(Toxics); // toxicity drawn and timers started now, not at the first data
        if (!_enabled)
        {
            connection.Abort(reset: false); // disabled between accept and here
        }

        return connection;
    }

    public void Detach(ChaosConnection connection) => _connections.TryRemove(connection.Id, out _);

    public bool TryGetConnection(long id, out ChaosConnection connection) => _connections.TryGetValue(id, out connection!);

    // Under _gate: the new toxics, and every open connection told at once (timers start, removed toxics let go).
    private void Publish(Toxic[] toxics)
    {
        Volatile.Write(ref _toxics, toxics);
        foreach (var connection in _connections.Values)
        {
            connection.Refresh(toxics);
        }
    }

    private int IndexOf(string name)
    {
        int index = Array.FindIndex(_toxics, t => t.Name == name);
        return index >= 0 ? index : throw NoToxic(name, _toxics);
    }

    private ChaosRequestException NoToxic(string name, Toxic[] toxics) =>
        new(ChaosRequestException.NotFound, $"toxic '{name}' not found on proxy '{Name}'; its toxics: {(toxics.Length == 0 ? "none" : string.Join(", ", toxics.Select(t => t.Name)))}");
}
