namespace KafkaProxy.Core.Configuration;

/// <summary>How listeners are started for brokers that responses reveal and no mapping names.</summary>
public sealed class DynamicListenerOptions
{
    // Reached through KafkaProxyOptions only.
    internal DynamicListenerOptions()
    {
    }

    /// <summary>Start listeners for discovered brokers (default true). When false an unmapped broker fails the response and is logged.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The address dynamic listeners bind to. Defaults to 127.0.0.1: a proxy that adds TLS or SASL credentials to
    /// connections must not be reachable from the network unless you say so.
    /// </summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>The host clients are told for dynamic listeners; null means <see cref="BindAddress"/>.</summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>When above 0, dynamic listeners take ports upward from here instead of random ones.</summary>
    public int SequentialMinPort { get; set; }

    /// <summary>With <see cref="SequentialMinPort"/>: the port is min port + broker id, the same across restarts.</summary>
    public bool Deterministic { get; set; }

    /// <summary>
    /// How many dynamic listeners may run at once (default 1024, configuration key <c>DynamicListeners:MaxListeners</c>):
    /// a broker that names more brokers cannot make the proxy open listeners until descriptors run out. A response that
    /// names a broker beyond it is refused. Configuration only: the public API has no room for it.
    /// </summary>
    internal int MaxListeners { get; set; } = 1024;
}
