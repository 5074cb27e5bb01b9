namespace KafkaProxy.Core.Configuration;

/// <summary>The SASL mechanisms the proxy speaks, as Kafka names them.</summary>
internal static class SaslMechanismNames
{
    /// <summary>RFC 4616: the password travels in the clear (use it with TLS).</summary>
    public const string Plain = "PLAIN";

    /// <summary>RFC 5802 / RFC 7677 with SHA-256.</summary>
    public const string ScramSha256 = "SCRAM-SHA-256";

    /// <summary>RFC 5802 with SHA-512.</summary>
    public const string ScramSha512 = "SCRAM-SHA-512";

    /// <summary>Every supported mechanism.</summary>
    public static IReadOnlyList<string> All { get; } = [Plain, ScramSha256, ScramSha512];
}
