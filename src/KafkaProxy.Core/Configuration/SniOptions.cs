namespace KafkaProxy.Core.Configuration;

/// <summary>
/// SNI routing (<c>KafkaProxy:Sni</c>): one TLS listener serves every broker. Clients bootstrap to
/// <see cref="BootstrapHost"/>; each broker is advertised as <see cref="HostPattern"/> with its node id, on the
/// listener's port; the proxy reads the name a client asks for in its TLS handshake and dials that broker. The
/// listener's certificate is <see cref="KafkaProxyOptions.ClientTls"/>'s and must cover every name (a wildcard).
/// </summary>
public sealed class SniOptions
{
    /// <summary>The token of <see cref="HostPattern"/> that stands for the broker's node id.</summary>
    public const string NodeIdToken = "$(nodeId)";

    /// <summary>
    /// The token of <see cref="BootstrapHost"/> and <see cref="HostPattern"/> that stands for the virtual cluster's name
    /// (<c>KafkaProxy:Clusters:&lt;name&gt;</c>), such as <c>broker-$(nodeId).$(virtualCluster).kafka.example.com</c>.
    /// </summary>
    public const string VirtualClusterToken = "$(virtualCluster)";

    // Reached through KafkaProxyOptions only.
    internal SniOptions()
    {
    }

    /// <summary>Where the one TLS listener binds (<c>--sni-listener-address</c>, such as 0.0.0.0:9092); SNI routing is on when set.</summary>
    public HostPort? ListenerAddress { get; set; }

    /// <summary>The name clients bootstrap with (<c>--sni-bootstrap-host</c>, such as bootstrap.kafka.example.com); it dials an upstream bootstrap server.</summary>
    public string? BootstrapHost { get; set; }

    /// <summary>
    /// The name each broker is advertised as (<c>--sni-host-pattern</c>), with <c>$(nodeId)</c> for its node id once,
    /// such as <c>broker-$(nodeId).kafka.example.com</c>.
    /// </summary>
    public string? HostPattern { get; set; }

    /// <summary>The port clients are told (<c>--sni-advertised-port</c>); 0 means the listener's port. Set it when a load balancer listens on another port.</summary>
    public int AdvertisedPort { get; set; }

    /// <summary>The cluster's bootstrap servers (<c>--sni-upstream-bootstrap-servers</c>), dialed for the bootstrap name one after another.</summary>
    public IList<HostPort> UpstreamBootstrapServers { get; } = [];

    /// <summary>True when <see cref="ListenerAddress"/> is set.</summary>
    internal bool Enabled => ListenerAddress is not null;
}
