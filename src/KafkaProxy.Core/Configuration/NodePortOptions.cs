namespace KafkaProxy.Core.Configuration;

/// <summary>
/// Node-id ports (<c>KafkaProxy:NodePorts</c>): broker N listens on <see cref="Base"/> + N and is advertised there, so
/// addresses are the same across restarts and across replicas of the proxy. Clients bootstrap through the
/// <see cref="KafkaProxyOptions.Brokers"/> mappings, which then only bootstrap: every broker, mapped ones too, is
/// advertised at its node port. Listeners for brokers learned later start when a response first names them.
/// </summary>
public sealed class NodePortOptions
{
    // Reached through KafkaProxyOptions only.
    internal NodePortOptions()
    {
    }

    /// <summary>The port of node 0 (<c>--node-port-base</c>); 0 (the default) turns node-id ports off.</summary>
    public int Base { get; set; }

    /// <summary>The host clients are told (<c>--node-advertised-host</c>); null means <see cref="ListenHost"/>.</summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>The address node listeners bind to (<c>--node-listen-host</c>, default 127.0.0.1).</summary>
    public string ListenHost { get; set; } = "127.0.0.1";

    /// <summary>
    /// The highest node id served (<c>--node-id-max</c>); null means as high as the port range allows. A response naming
    /// a node above it is refused, with the reason logged.
    /// </summary>
    public int? NodeIdMax { get; set; }

    /// <summary>True when <see cref="Base"/> is above 0.</summary>
    internal bool Enabled => Base > 0;
}
