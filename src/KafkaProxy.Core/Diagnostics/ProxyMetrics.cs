using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using KafkaProxy.Protocol.Headers;

namespace KafkaProxy.Core.Diagnostics;

/// <summary>
/// The proxy's instruments. The first five carry the Go kafka-proxy's names and labels so existing dashboards keep
/// working. Label values are bounded: broker is a configured or discovered broker address, api_key and api_version
/// are numbers from fixed tables ("other" beyond them), never client-chosen strings. Tags are built from cached boxes,
/// so recording allocates nothing.
/// </summary>
internal sealed class ProxyMetrics
{
    public const string MeterName = "KafkaProxy.Proxy";

    /// <summary>The tag naming the virtual cluster (<c>KafkaProxy:Clusters:&lt;name&gt;</c>) of a measurement.</summary>
    public const string VirtualClusterTag = "virtual_cluster";
    private const int MaxVersionLabel = 63;
    private static readonly object[] ApiKeyLabels = Labels(KafkaApis.MaxKnownApiKey);
    private static readonly object[] VersionLabels = Labels(MaxVersionLabel);
    private static readonly object OtherLabel = "other";

    private readonly UpDownCounter<long> _openedConnections;
    private readonly Counter<long> _connectionsTotal;
    private readonly Counter<long> _requestsTotal;
    private readonly Counter<long> _requestBytes;
    private readonly Counter<long> _responseBytes;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _upstreamConnectFailures;
    private readonly Counter<long> _framesRejected;
    private readonly Counter<long> _connectionsRefused;
    private readonly UpDownCounter<long> _dynamicListeners;
    private readonly Counter<long> _dynamicListenersRefused;
    private readonly Counter<long> _upstreamSecurityFailures;
    private readonly Counter<long> _requestsRefused;
    private readonly Counter<long> _clientSecurityFailures;
    private readonly Counter<long> _clientAuthentications;
    private readonly Counter<long> _auditDropped;
    private readonly Counter<long> _nodeEndpointsDropped;
    private readonly Counter<long> _splicedBytes;
    private long _streamedFetches;
    private long _splicedRequestBytes;
    private long _splicedResponseBytes;
    private long _streamedFetchMostHeld;
    // virtual_cluster=<name> on every measurement of an engine that serves a virtual cluster; null otherwise.
    private readonly KeyValuePair<string, object?>? _virtualCluster;

    /// <summary>Creates the instruments; with <paramref name="virtualCluster"/> every measurement carries <c>virtual_cluster</c>.</summary>
    public ProxyMetrics(IMeterFactory meterFactory, string? virtualCluster = null)
    {
        _virtualCluster = virtualCluster is null ? null : new KeyValuePair<string, object?>(VirtualClusterTag, virtualCluster);
        var meter = meterFactory.Create(MeterName);
        _openedConnections = meter.CreateUpDownCounter<long>("proxy_opened_connections", "{connection}", "Client connections open now.");
        _connectionsTotal = meter.CreateCounter<long>("proxy_connections_total", "{connection}", "Client connections accepted.");
        _requestsTotal = meter.CreateCounter<long>("proxy_requests_total", "{request}", "Requests forwarded to brokers.");
        _requestBytes = meter.CreateCounter<long>("proxy_requests_bytes", "By", "Request bytes forwarded to brokers.");
        _responseBytes = meter.CreateCounter<long>("proxy_responses_bytes", "By", "Response bytes forwarded to clients.");
        _requestDuration = meter.CreateHistogram<double>("proxy_request_duration_seconds", "s", "Time from a request seen to its response forwarded.");
        _upstreamConnectFailures = meter.CreateCounter<long>("proxy_upstream_connect_failures_total", "{failure}", "Failed dials to brokers.");
        _framesRejected = meter.CreateCounter<long>("proxy_frames_rejected_total", "{frame}", "Frames that closed their connection, by reason.");
        _connectionsRefused = meter.CreateCounter<long>("proxy_connections_refused_total", "{connection}", "Client connections refused, by reason (max_connections; with SNI routing sni_missing, sni_unknown_name, sni_unknown_node).");
        _dynamicListeners = meter.CreateUpDownCounter<long>("proxy_dynamic_listeners", "{listener}", "Listeners started for discovered brokers.");
        _dynamicListenersRefused = meter.CreateCounter<long>("proxy_dynamic_listeners_refused_total", "{listener}", "Listeners refused to discovered brokers (the response naming them closed its connection), by reason (max_listeners, second_address, descriptors, node_id_max).");
        _requestsRefused = meter.CreateCounter<long>("proxy_requests_refused_total", "{request}", "Client requests refused (their connection closed), by api key and reason (forbidden, sasl_by_proxy, unauthenticated).");
        _clientSecurityFailures = meter.CreateCounter<long>("proxy_client_security_failures_total", "{failure}", "Client connections closed because their TLS handshake or authentication at the proxy failed, by stage (client_tls, client_auth).");
        _clientAuthentications = meter.CreateCounter<long>("proxy_client_authentications_total", "{authentication}", "Clients that authenticated at the proxy (KafkaProxy:ClientAuth:Enabled), by mechanism.");
        _upstreamSecurityFailures = meter.CreateCounter<long>("proxy_upstream_security_failures_total", "{failure}", "Broker connections closed because TLS or SASL failed, by broker and stage (tls, sasl, reauth).");
        _auditDropped = meter.CreateCounter<long>("proxy_audit_dropped_total", "{line}", "Audit lines lost (KafkaProxy:Audit), by reason (queue_full: the writer fell behind; write_failed: the file could not be written).");
        _nodeEndpointsDropped = meter.CreateCounter<long>("proxy_node_endpoints_dropped_total", "{response}", "Fetch responses streamed to clients that lost node endpoints (KIP-951; clients ask for Metadata instead), by reason (did_not_fit: the rewritten addresses were longer than the broker's; tail_too_long: the tagged fields passed 64 KiB).");
        _splicedBytes = meter.CreateCounter<long>("proxy_spliced_bytes", "By", "Bytes of pass-through frames moved from socket to socket inside the kernel (Linux splice, plain TCP on both sides), by direction (request, response); already counted in proxy_requests_bytes and proxy_responses_bytes.");
    }

    public void ConnectionOpened(string broker)
    {
                var tags = Tags(Tag("broker", broker));
        _openedConnections.Add(1, tags);
        _connectionsTotal.Add(1, tags);
    }

    public void ConnectionClosed(string broker) => _openedConnections.Add(-1, Tags(Tag("broker", broker)));

    public void Request(string broker, short apiKey, short apiVersion, long bytes)
    {
        var brokerTag = new KeyValuePair<string, object?>("broker", broker);
        if (_requestsTotal.Enabled)
        {
            _requestsTotal.Add(1, Tags(brokerTag, Tag("api_key", ApiKeyLabel(apiKey)), Tag("api_version", VersionLabel(apiVersion))));
        }

        _requestBytes.Add(bytes, Tags(brokerTag));
    }

    public void Response(string broker, short apiKey, long bytes, long startTimestamp)
    {
        var brokerTag = new KeyValuePair<string, object?>("broker", broker);
        _responseBytes.Add(bytes, Tags(brokerTag));
        if (_requestDuration.Enabled)
        {
            _requestDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, Tags(brokerTag, Tag("api_key", ApiKeyLabel(apiKey))));
        }
    }

    public void UpstreamConnectFailed(string broker) => _upstreamConnectFailures.Add(1, Tags(Tag("broker", broker)));

    public void FrameRejected(string reason) => _framesRejected.Add(1, Tags(Tag("reason", reason)));

    public void ConnectionRefused(string reason) => _connectionsRefused.Add(1, Tags(Tag("reason", reason)));

    /// <summary>Moves an open connection from the listener's label to its broker's, once SNI routing chose the broker.</summary>
    public void ConnectionRouted(string from, string to)
    {
        _openedConnections.Add(-1, Tags(Tag("broker", from)));
        _openedConnections.Add(1, Tags(Tag("broker", to)));
    }

    public void DynamicListenerStarted() => _dynamicListeners.Add(1, Tags());

    /// <summary>A discovered broker got no listener; <paramref name="reason"/> is one of a few fixed words.</summary>
    public void DynamicListenerRefused(string reason) => _dynamicListenersRefused.Add(1, Tags(Tag("reason", reason)));

    /// <summary>A request refused by policy; <paramref name="reason"/> is one of a few fixed words.</summary>
    public void RequestRefused(short apiKey, string reason) =>
        _requestsRefused.Add(1, Tags(Tag("api_key", ApiKeyLabel(apiKey)), Tag("reason", reason)));

    /// <summary>A client's TLS or authentication failure; <paramref name="stage"/> is one of a few fixed words.</summary>
    public void ClientSecurityFailed(string stage) => _clientSecurityFailures.Add(1, Tags(Tag("stage", stage)));

    /// <summary>A client authenticated at the proxy; <paramref name="mechanism"/> is one of the supported SASL mechanisms.</summary>
    public void ClientAuthenticated(string mechanism) => _clientAuthentications.Add(1, Tags(Tag("mechanism", mechanism)));

    /// <summary>A TLS or SASL failure toward a broker; <paramref name="stage"/> is one of a few fixed words.</summary>
    public void UpstreamSecurityFailed(string broker, string stage) =>
        _upstreamSecurityFailures.Add(1, Tags(Tag("broker", broker), Tag("stage", stage)));

    /// <summary>A streamed Fetch response lost node endpoints; <paramref name="reason"/> is one of a few fixed words.</summary>
    public void NodeEndpointsDropped(string reason) => _nodeEndpointsDropped.Add(1, Tags(Tag("reason", reason)));

    /// <summary>A Fetch response went out streamed, holding at most <paramref name="mostHeld"/> of its bytes at once.</summary>
    public void FetchStreamed(long mostHeld)
    {
        Interlocked.Increment(ref _streamedFetches);
        InterlockedMaximum.Raise(ref _streamedFetchMostHeld, mostHeld);
    }

    /// <summary>Fetch responses streamed so far (not an instrument: for tests and benchmarks).</summary>
    internal long StreamedFetches => Interlocked.Read(ref _streamedFetches);

    /// <summary>The most bytes of one streamed Fetch response held back at once, over all of them (not an instrument).</summary>
    internal long StreamedFetchMostHeld => Interlocked.Read(ref _streamedFetchMostHeld);

    /// <summary>Bytes of a frame moved inside the kernel toward the client (a response's) or the broker (a request's).</summary>
    public void Spliced(bool toClient, long bytes)
    {
        Interlocked.Add(ref toClient ? ref _splicedResponseBytes : ref _splicedRequestBytes, bytes);
        _splicedBytes.Add(bytes, Tags(Tag("direction", toClient ? "response" : "request")));
    }

    /// <summary>Request bytes moved inside the kernel so far (not an instrument: for tests and benchmarks).</summary>
    internal long SplicedRequestBytes => Interlocked.Read(ref _splicedRequestBytes);

    /// <summary>Response bytes moved inside the kernel so far (not an instrument).</summary>
    internal long SplicedResponseBytes => Interlocked.Read(ref _splicedResponseBytes);

    /// <summary>Audit lines lost; <paramref name="reason"/> is one of a few fixed words.</summary>
    public void AuditDropped(long count, string reason) => _auditDropped.Add(count, Tags(Tag("reason", reason)));

    // The measurement's own tags, and the virtual cluster's when the engine serves one. TagList keeps up to eight inline.
    private TagList Tags(params ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var list = new TagList(tags);
        if (_virtualCluster is { } cluster)
        {
            list.Add(cluster);
        }

        return list;
    }

    private static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);

    private static object ApiKeyLabel(short apiKey) => apiKey >= 0 && apiKey < ApiKeyLabels.Length ? ApiKeyLabels[apiKey] : OtherLabel;

    private static object VersionLabel(short version) => version >= 0 && version < VersionLabels.Length ? VersionLabels[version] : OtherLabel;

    private static object[] Labels(int max) =>
        Enumerable.Range(0, max + 1).Select(i => (object)i.ToString(CultureInfo.InvariantCulture)).ToArray();
}
