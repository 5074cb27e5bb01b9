namespace KafkaProxy.Testing.Sasl;

/// <summary>What a <see cref="SaslFront"/> accepts: its users, its mechanisms, and how long a session lasts.</summary>
public sealed class SaslFrontOptions
{
    /// <summary>User name → password. Every mechanism accepts every user.</summary>
    public IDictionary<string, string> Users { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Enabled mechanisms, offered in this order (default PLAIN, SCRAM-SHA-256, SCRAM-SHA-512).</summary>
    internal IList<string> Mechanisms { get; } = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];

    /// <summary>
    /// The session lifetime granted in SaslAuthenticate v1 responses (KIP-368), like a broker's
    /// <c>connections.max.reauth.ms</c>; a request that arrives after it without a re-authentication closes the
    /// connection. Null (the default): sessions never expire.
    /// </summary>
    public TimeSpan? SessionLifetime { get; set; }

    /// <summary>SCRAM iteration count (default 4096, Kafka's minimum).</summary>
    internal int ScramIterations { get; set; } = 4096;
}
