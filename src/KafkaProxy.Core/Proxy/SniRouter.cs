using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Diagnostics;
using KafkaProxy.Protocol.Rewriting;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Proxy;

/// <summary>
/// SNI routing (<see cref="SniOptions"/>): one listener, every broker. As the address rewriting, it advertises each broker
/// a response names as the host pattern with its node id, on the listener's port, and learns which address that node
/// has; as the router of a new connection, it reads the name the client asked for in its TLS handshake and gives the
/// route to that node, or to an upstream bootstrap server for the bootstrap name. No name, a name of neither form, or a
/// node no response has named yet is refused (logged as 1023 and counted), never routed by guess. A node keeps its
/// advertised name for the life of the process; a node named at a new address is dialed there from then on. Lookups
/// are lock-free over a copy-on-write table and allocate nothing once a node is known.
/// </summary>
internal sealed class SniRouter : IBrokerAddressMapper
{
    private readonly string _bootstrapHost;
    private readonly string _prefix;
    private readonly string _suffix;
    private readonly BrokerRoute[] _bootstraps;
    private readonly Func<HostPort, BrokerRoute> _routeTo;
    private readonly ProxyMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private volatile Dictionary<int, Node> _nodes = []; // never changed once published
    private int _advertisedPort;
    private int _nextBootstrap;

    /// <summary>Creates the router of validated <paramref name="options"/>; <see cref="Listening"/> gives it the advertised port.</summary>
    public SniRouter(SniOptions options, Func<HostPort, BrokerRoute> routeTo, ProxyMetrics metrics, ILogger logger)
    {
        _bootstrapHost = options.BootstrapHost!;
        string pattern = options.HostPattern!;
        int token = pattern.IndexOf(SniOptions.NodeIdToken, StringComparison.Ordinal);
        _prefix = pattern[..token];
        _suffix = pattern[(token + SniOptions.NodeIdToken.Length)..];
        _routeTo = routeTo;
        _bootstraps = [.. options.UpstreamBootstrapServers.Select(routeTo)];
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The route of the listener itself: the first bootstrap server (what connections have until they are routed).</summary>
    public BrokerRoute ListenerRoute => _bootstraps[0];

    /// <summary>Sets the port brokers are advertised on, once the listener is bound.</summary>
    public void Listening(int advertisedPort) => _advertisedPort = advertisedPort;

    /// <summary>The host a node is advertised as.</summary>
    public string HostOf(int nodeId) => _prefix + nodeId.ToString(CultureInfo.InvariantCulture) + _suffix;

    /// <summary>Whether <paramref name="serverName"/> is this router's bootstrap name or of its pattern's form (a shared listener asks).</summary>
    public bool Claims(string? serverName) =>
        serverName is not null && (string.Equals(serverName, _bootstrapHost, StringComparison.OrdinalIgnoreCase) || NodeIdOf(serverName) is not null);

    public BrokerEndpoint Map(int nodeId, ReadOnlySpan<byte> hostUtf8, int port)
    {
        if (_nodes.TryGetValue(nodeId, out var node) && node.Port == port && hostUtf8.SequenceEqual(node.HostUtf8))
        {
            return node.Advertised;
        }

        return Learn(nodeId, hostUtf8, port);
    }

    /// <summary>
    /// The route for a connection whose client asked for <paramref name="serverName"/>; false when it is refused, which is
    /// logged and counted here.
    /// </summary>
    public bool TryRoute(string? serverName, long connectionId, [NotNullWhen(true)] out BrokerRoute? route)
    {
        route = null;
        string? refusal;
        string reason;
        if (string.IsNullOrEmpty(serverName))
        {
            (reason, refusal) = ("sni_missing", $"the client sent no server name (SNI) in its TLS handshake; connect to {_bootstrapHost} or a broker name, not to an IP address");
        }
        else if (string.Equals(serverName, _bootstrapHost, StringComparison.OrdinalIgnoreCase))
        {
            route = _bootstraps[(int)((uint)Interlocked.Increment(ref _nextBootstrap) % (uint)_bootstraps.Length)];
            return true;
        }
        else if (NodeIdOf(serverName) is not { } nodeId)
        {
            (reason, refusal) = ("sni_unknown_name", $"server name '{serverName}' is neither {_bootstrapHost} nor of the form {_prefix}{SniOptions.NodeIdToken}{_suffix}");
        }
        else if (_nodes.TryGetValue(nodeId, out var node))
        {
            route = node.Route;
            return true;
        }
        else
        {
            (reason, refusal) = ("sni_unknown_node", $"server name '{serverName}' names node {nodeId.ToString(CultureInfo.InvariantCulture)}, which no response has named yet; bootstrap with {_bootstrapHost} first");
        }

        Log.SniRefused(_logger, connectionId, refusal);
        _metrics.ConnectionRefused(reason);
        return false;
    }

    // The node id of a name of the pattern's form, written as the pattern writes it (no sign, no leading zero).
    private int? NodeIdOf(string name)
    {
        if (name.Length <= _prefix.Length + _suffix.Length
            || !name.StartsWith(_prefix, StringComparison.OrdinalIgnoreCase)
            || !name.EndsWith(_suffix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var digits = name.AsSpan(_prefix.Length, name.Length - _prefix.Length - _suffix.Length);
        bool canonical = digits.Length == 1 || digits[0] != '0';
        return canonical && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int nodeId) ? nodeId : null;
    }

    private BrokerEndpoint Learn(int nodeId, ReadOnlySpan<byte> hostUtf8, int port)
    {
        var upstream = new HostPort(Encoding.UTF8.GetString(hostUtf8), port);
        if (nodeId < 0)
        {
            throw new UnmappedBrokerException(upstream.ToString(), $"Broker {upstream} appears in a response with node id {nodeId}; SNI routing names brokers by node id, so it cannot be advertised.");
        }

        lock (_gate)
        {
            var nodes = _nodes;
            if (nodes.TryGetValue(nodeId, out var known) && known.Port == port && hostUtf8.SequenceEqual(known.HostUtf8))
            {
                return known.Advertised;
            }

            var advertised = known?.Advertised ?? new BrokerEndpoint(HostOf(nodeId), _advertisedPort);
            var node = new Node(hostUtf8.ToArray(), port, advertised, _routeTo(upstream));
            _nodes = new Dictionary<int, Node>(nodes) { [nodeId] = node };
            Log.SniNodeLearned(_logger, nodeId, upstream.ToString(), $"{advertised.Host}:{advertised.Port.ToString(CultureInfo.InvariantCulture)}", known is null ? "new" : "moved");
            return advertised;
        }
    }

    private sealed record Node(byte[] HostUtf8, int Port, BrokerEndpoint Advertised, BrokerRoute Route);
}
