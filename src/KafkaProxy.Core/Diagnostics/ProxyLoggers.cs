using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Diagnostics;

/// <summary>
/// One logger category per component of the proxy engine, as Kestrel keeps its connections and bad-request loggers
/// apart: an operator can turn on Debug for one of them (security alone, say) without the others.
/// </summary>
internal sealed class ProxyLoggers
{
    /// <summary>Start, stop, drain and configuration changes of the engine.</summary>
    public const string EngineCategory = "KafkaProxy.Proxy.Engine";

    /// <summary>Listeners, mapped and dynamic, and the connections they refuse.</summary>
    public const string ListenersCategory = "KafkaProxy.Proxy.Listeners";

    /// <summary>Each client connection: opened, closed and why, dials, frames.</summary>
    public const string ConnectionsCategory = "KafkaProxy.Proxy.Connections";

    /// <summary>TLS and SASL toward the brokers, re-authentication.</summary>
    public const string UpstreamSecurityCategory = "KafkaProxy.Security.Upstream";

    /// <summary>TLS handshakes with clients.</summary>
    public const string ClientTlsCategory = "KafkaProxy.Security.ClientTls";

    /// <summary>Client authentication at the proxy and its credentials file.</summary>
    public const string ClientAuthCategory = "KafkaProxy.Security.ClientAuth";

    /// <summary>The gateway's batching flusher.</summary>
    public const string FlushingCategory = "KafkaProxy.Flushing";

    /// <summary>The audit lines themselves (KafkaProxy:Audit:Logger), apart from everything else.</summary>
    public const string AuditCategory = "KafkaProxy.Audit";

    public ProxyLoggers(ILoggerFactory factory)
    {
        Audit = factory.CreateLogger(AuditCategory);
        Engine = factory.CreateLogger(EngineCategory);
        Listeners = factory.CreateLogger(ListenersCategory);
        Connections = factory.CreateLogger(ConnectionsCategory);
        UpstreamSecurity = factory.CreateLogger(UpstreamSecurityCategory);
        ClientTls = factory.CreateLogger(ClientTlsCategory);
        ClientAuth = factory.CreateLogger(ClientAuthCategory);
    }

    public ILogger Engine { get; }

    public ILogger Listeners { get; }

    public ILogger Connections { get; }

    public ILogger UpstreamSecurity { get; }

    public ILogger ClientTls { get; }

    public ILogger ClientAuth { get; }

    public ILogger Audit { get; }
}
