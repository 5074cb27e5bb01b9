using KafkaProxy.Protocol.Frames;

namespace KafkaProxy.Core.Configuration;

/// <summary>Settings of the Kafka protocol proxy. Defaults are safe; validated at start.</summary>
public sealed class KafkaProxyOptions
{
    /// <summary>The brokers to listen for (<c>--bootstrap-server-mapping</c>); at least one, except with <see cref="Sni"/>.</summary>
    public IList<BrokerMapping> Brokers { get; } = [];

    /// <summary>Brokers advertised at an address whose listener runs elsewhere (<c>--external-server-mapping</c>).</summary>
    public IList<AddressMapping> ExternalServers { get; } = [];

    /// <summary>Brokers dialed at another address than the one they advertise (<c>--dial-address-mapping</c>).</summary>
    public IList<AddressMapping> DialAddresses { get; } = [];

    /// <summary>Listeners for brokers discovered in responses.</summary>
    public DynamicListenerOptions DynamicListeners { get; } = new();

    /// <summary>SNI routing: one TLS listener for every broker (<c>--sni-*</c>).</summary>
    public SniOptions Sni { get; } = new();

    /// <summary>Node-id ports: broker N on base + N (<c>--node-port-base</c> and friends).</summary>
    public NodePortOptions NodePorts { get; } = new();

    /// <summary>Client-side sockets (the proxy's listeners).</summary>
    public SocketOptions ListenerSockets { get; } = new();

    /// <summary>Broker-side sockets.</summary>
    public SocketOptions UpstreamSockets { get; } = new();

    /// <summary>TLS toward the clients, on every listener (<c>--proxy-listener-tls-enable</c> and friends).</summary>
    public ClientTlsOptions ClientTls { get; } = new();

    /// <summary>SASL authentication of clients at the proxy (<c>--auth-local-*</c>).</summary>
    public ClientAuthOptions ClientAuth { get; } = new();

    /// <summary>TLS toward the brokers (<c>--tls-*</c>).</summary>
    public UpstreamTlsOptions UpstreamTls { get; } = new();

    /// <summary>SASL toward the brokers (<c>--sasl-*</c>).</summary>
    public UpstreamSaslOptions UpstreamSasl { get; } = new();

    /// <summary>
    /// Api keys clients may not send (<c>--forbidden-api-keys</c>), for example 20 (DeleteTopics) or 19 (CreateTopics): such
    /// a request closes its connection and is counted in <c>proxy_requests_refused_total</c>.
    /// </summary>
    public ISet<short> ForbiddenApiKeys { get; } = new SortedSet<short>();

    /// <summary>The largest frame accepted in either direction (default 100 MiB); a larger one closes its connection.</summary>
    public int MaxFrameSize { get; set; } = KafkaFrame.DefaultMaxFrameSize;

    /// <summary>
    /// Requests a client may have in flight on one connection (default 1024); beyond it the proxy reads no more from that
    /// client until a response makes room (back-pressure, not a close).
    /// </summary>
    public int MaxInFlightRequests { get; set; } = 1024;

    /// <summary>
    /// Client connections open at once across all listeners (default 10,000); more are refused. Each takes two file
    /// descriptors: on Linux the engine lowers the limit at start, with a warning, to what RLIMIT_NOFILE holds.
    /// </summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>
    /// On Linux, moves the part of a big pass-through frame still to come from one socket to the other inside the kernel
    /// (<c>splice</c>), never copying it into the process, when neither side uses TLS (default true). Turn it off only to
    /// rule it out when chasing a problem: frames then go through the proxy's memory, as on other systems.
    /// </summary>
    public bool ForwardInKernel { get; set; } = true;

    /// <summary>
    /// How long one filter may take with one request or response (default 10 s); a filter that takes longer closes
    /// that connection, logged with the filter's name.
    /// </summary>
    public TimeSpan FilterTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long dialing a broker may take (default 15 s).</summary>
    public TimeSpan DialTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a broker may stay silent while requests wait for its responses (default 0 = no limit). Keep it above
    /// the longest request the clients make: a JoinGroup may wait a whole rebalance timeout (5 min by default).
    /// </summary>
    public TimeSpan UpstreamReadTimeout { get; set; }

    /// <summary>How long writing to a socket may block (default 30 s): a peer that stops reading is disconnected.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A connection with no traffic either way for this long is closed (default 10 min, as brokers' connections.max.idle.ms).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long stopping waits for in-flight requests to be answered before closing connections (default 30 s).</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Rules requests must follow before they reach a broker (<c>KafkaProxy:Policies</c>); configuration only for now.</summary>
    internal Filters.Policies.PolicyOptions Policies { get; } = new();

    /// <summary>The audit trail of requests (<c>KafkaProxy:Audit</c>); configuration only for now.</summary>
    internal Filters.Audit.AuditOptions Audit { get; } = new();

    /// <summary>The virtual cluster these options serve (<c>KafkaProxy:Clusters:&lt;name&gt;</c>), null for the one cluster of a proxy without them.</summary>
    internal string? VirtualCluster { get; set; }

    /// <summary>Spans per request of chosen api keys (<c>KafkaProxy:Tracing</c>), sampled; off until api keys are named.</summary>
    internal Filters.Tracing.RequestTracingOptions Tracing { get; } = new();

    /// <summary>The configuration section these options were bound from, for messages (null when set in code).</summary>
    internal string? ConfigurationPath { get; set; }

    /// <summary>Values from configuration that did not bind; the validator reports them with its own findings.</summary>
    internal List<string> ConfigurationProblems { get; } = [];
}
