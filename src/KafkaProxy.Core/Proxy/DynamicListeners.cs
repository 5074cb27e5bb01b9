using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Proxy;

/// <summary>
/// Listeners for brokers that responses reveal and no mapping names. The response rewrite only looks brokers up; a
/// response pump that meets an unknown one stops before that response, has its listener started here and rewrites
/// the response again, so clients get the new address in the very response that named the broker. Binding needs no
/// DNS lookup (the bind address is resolved when the engine starts) and holds this class's lock, never the address
/// book's: lookups go on meanwhile, and a broker gets one listener however many connections discover it at once.
/// A broker is its node id and the exact bytes of its address: the book finds an address already served, and a node
/// id gets one listener, for the first address it was named with. What a broker names cannot grow the number of
/// listeners past <see cref="DynamicListenerOptions.MaxListeners"/>, nor into the descriptors kept back for connections
/// and the runtime (<see cref="DescriptorLimit"/>); beyond them, for a node named at a second address, or (with node-id
/// ports, <see cref="NodePortOptions"/>) for a node id above the allowed range, the response is refused with one
/// Warning (1019) and counted. With node-id ports the listeners bind and advertise the node ports' settings instead.
/// </summary>
internal sealed class DynamicListeners
{
    private readonly DynamicListenerOptions _options;
    private readonly SocketOptions _sockets;
    // Where listeners bind and what they advertise: the dynamic listeners' settings, or the node ports' (KafkaProxy:NodePorts).
    private readonly string _bindHost;
    private readonly string _bindKey;
    private readonly string _advertisedHost;
    private readonly int _minPort;
    private readonly string _minPortKey;
    private readonly bool _nodeIdPorts;
    private readonly int? _nodeIdMax; // null: any node id (dynamic listeners)
    private readonly BrokerAddressBook _book;
    private readonly Func<HostPort, BrokerRoute> _routeTo;
    private readonly Action<BrokerListener> _run;
    private readonly ProxyMetrics _metrics;
    private readonly ILogger _logger;
    private readonly SettingKey _key;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, HostPort> _nodes = []; // node id → the address its listener serves
    private IPAddress? _bindAddress;
    private int _nextSequentialPort;
    private int _listenersBeforeDescriptorCheck; // listeners that may start before the descriptors are counted again

    /// <summary>Creates the starter; <paramref name="run"/> starts accepting on a new listener and keeps it until the engine stops.</summary>
    public DynamicListeners(KafkaProxyOptions options, BrokerAddressBook book, Func<HostPort, BrokerRoute> routeTo, Action<BrokerListener> run, ProxyMetrics metrics, ILogger logger)
    {
        _options = options.DynamicListeners;
        _sockets = options.ListenerSockets;
        _book = book;
        _routeTo = routeTo;
        _run = run;
        _metrics = metrics;
        _logger = logger;
        _key = new SettingKey(options.ConfigurationPath);
        var nodePorts = options.NodePorts;
        if (nodePorts.Enabled)
        {
            _bindHost = nodePorts.ListenHost;
            _bindKey = _key["NodePorts:ListenHost"];
            _advertisedHost = nodePorts.AdvertisedHost ?? nodePorts.ListenHost;
            _minPort = nodePorts.Base;
            _minPortKey = _key["NodePorts:Base"];
            _nodeIdPorts = true;
            _nodeIdMax = nodePorts.NodeIdMax ?? IPEndPoint.MaxPort - nodePorts.Base;
        }
        else
        {
            _bindHost = _options.BindAddress;
            _bindKey = _key["DynamicListeners:BindAddress"];
            _advertisedHost = _options.AdvertisedHost ?? _options.BindAddress;
            _minPort = _options.SequentialMinPort;
            _minPortKey = _key["DynamicListeners:SequentialMinPort"];
            _nodeIdPorts = _options.Deterministic;
            _nodeIdMax = null;
        }

        _nextSequentialPort = _minPort;
    }

    /// <summary>Resolves the bind address once, when the engine starts, so that no response waits for DNS.</summary>
    /// <exception cref="InvalidOperationException">The bind address cannot be resolved.</exception>
    public void ResolveBindAddress()
    {
        try
        {
            _bindAddress = BrokerListener.ResolveBindAddress(_bindHost);
        }
        catch (SocketException ex)
        {
            throw new InvalidOperationException($"{_bindKey} '{_bindHost}' cannot be resolved: {ex.Message}. Give an IP address.", ex);
        }
    }

    /// <summary>Starts the listener of <paramref name="broker"/> unless another connection already did.</summary>
    /// <exception cref="DynamicListenerException">
    /// The listener is refused (the limit is reached, or the node has a listener for another address) or cannot be
    /// bound; logged here once, with the broker and the reason.
    /// </exception>
    public void Start(UndiscoveredBrokerException broker)
    {
        var address = _bindAddress ?? throw new InvalidOperationException("The engine resolves the bind address when it starts.");
        lock (_gate)
        {
            if (_book.Contains(broker.HostUtf8, broker.Port))
            {
                return;
            }

            var upstream = broker.Upstream;
            if (_nodes.TryGetValue(broker.NodeId, out var first))
            {
                throw Refused(upstream, broker.NodeId, "second_address",
                    $"node {broker.NodeId} has a listener already, for {first}; a broker keeps the address it was first named with until the proxy restarts");
            }

            if (_nodeIdMax is { } nodeIdMax && (broker.NodeId < 0 || broker.NodeId > nodeIdMax))
            {
                throw Refused(upstream, broker.NodeId, "node_id_max",
                    $"node ids from 0 to {nodeIdMax} get a port ({_key["NodePorts:NodeIdMax"]}, with {_minPortKey} {_minPort}); raise it if the cluster's node ids are higher");
            }

            if (_nodes.Count >= _options.MaxListeners)
            {
                throw Refused(upstream, broker.NodeId, "max_listeners",
                    $"{_nodes.Count} dynamic listeners run, as many as {_key["DynamicListeners:MaxListeners"]} allows; raise it if the cluster has more brokers");
            }

            if (--_listenersBeforeDescriptorCheck < 0)
            {
                // Counting the open descriptors reads /proc/self/fd, whose length grows with every listener: it is read
                // again only once a quarter of the room it showed has been taken (connections take room meanwhile too).
                if (DescriptorLimit.Read() is { } descriptors)
                {
                    if (DescriptorLimit.ListenerWouldCrowd(descriptors.Limit, descriptors.Open))
                    {
                        _listenersBeforeDescriptorCheck = 0;
                        throw Refused(upstream, broker.NodeId, "descriptors",
                            $"the process holds {descriptors.Open} of the {descriptors.Limit} file descriptors it may open (RLIMIT_NOFILE), and the rest is kept for connections and the runtime; raise the limit (ulimit -n)");
                    }

                    _listenersBeforeDescriptorCheck = (int)Math.Min(int.MaxValue, DescriptorLimit.ListenersBeforeCrowding(descriptors.Limit, descriptors.Open) / 4);
                }
                else
                {
                    _listenersBeforeDescriptorCheck = int.MaxValue; // no limit, or not Linux
                }
            }

            long port = NextPort(broker.NodeId);
            if (port is < 0 or > IPEndPoint.MaxPort)
            {
                throw Failed(upstream, broker.NodeId, $"{address} port {port.ToString(CultureInfo.InvariantCulture)}", $"{_minPortKey} plus the node id is not a TCP port");
            }

            var endPoint = new IPEndPoint(address, (int)port);
            BrokerListener listener;
            try
            {
                var advertised = new HostPort(_advertisedHost, 0);
                listener = BrokerListener.Bind(endPoint, _routeTo(upstream), advertised, isDynamic: true, _sockets);
            }
            catch (SocketException ex)
            {
                throw Failed(upstream, broker.NodeId, endPoint.ToString(), ex.Message);
            }

            _run(listener);
            _nodes.Add(broker.NodeId, upstream);
            var info = listener.Info;
            _book.Add(broker.HostUtf8, broker.Port, new Protocol.Rewriting.BrokerEndpoint(info.Advertised.Host, info.Advertised.Port));
            _metrics.DynamicListenerStarted();
            Log.DynamicListenerStarted(_logger, info.LocalEndPoint.ToString(), upstream.ToString(), broker.NodeId, info.Advertised.ToString());
        }
    }

    // Any free port, or the next of a sequence, or min port + node id (the same across restarts). A port that failed is
    // not taken again in sequential mode: the next attempt tries the next one.
    private long NextPort(int nodeId) => _minPort <= 0 ? 0
        : _nodeIdPorts ? (long)_minPort + nodeId
        : _nextSequentialPort++;

    private DynamicListenerException Refused(HostPort upstream, int nodeId, string metricReason, string reason)
    {
        Log.DynamicListenerRefused(_logger, upstream.ToString(), nodeId, reason);
        _metrics.DynamicListenerRefused(metricReason);
        return new DynamicListenerException($"a response names broker {upstream} (node {nodeId}), and it gets no listener: {reason}");
    }

    private DynamicListenerException Failed(HostPort upstream, int nodeId, string address, string reason)
    {
        Log.DynamicListenerFailed(_logger, upstream.ToString(), nodeId, address, reason);
        return new DynamicListenerException($"a response names broker {upstream} (node {nodeId}), and no listener could be started for it on {address}: {reason}");
    }
}
