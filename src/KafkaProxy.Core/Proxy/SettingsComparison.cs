using System.Globalization;
using KafkaProxy.Core.Configuration;

namespace KafkaProxy.Core.Proxy;

/// <summary>
/// Every setting of <see cref="KafkaProxyOptions"/> by name, split into those a running engine applies
/// (<see cref="Reloadable"/>) and those read once at start (<see cref="NeedRestart"/>), so that a new configuration can
/// be told apart from the running one setting by setting. A test checks that every option is in exactly one list.
/// </summary>
internal static class SettingsComparison
{
    /// <summary>Applied to new and existing connections by <see cref="ProxyEngine.Reconfigure"/>.</summary>
    public static readonly Setting[] Reloadable =
    [
        new("ForbiddenApiKeys", o => Items(o.ForbiddenApiKeys.Order())),
        new("IdleTimeout", o => Text(o.IdleTimeout)),
        new("UpstreamReadTimeout", o => Text(o.UpstreamReadTimeout)),
        new("WriteTimeout", o => Text(o.WriteTimeout)),
        new("DialTimeout", o => Text(o.DialTimeout)),
        new("FilterTimeout", o => Text(o.FilterTimeout)),
        new("DrainTimeout", o => Text(o.DrainTimeout)),
        new("ClientAuth:Timeout", o => Text(o.ClientAuth.Timeout)),
        new("ClientAuth:CredentialsFile", o => o.ClientAuth.CredentialsFile),
        new("ClientTls:HandshakeTimeout", o => Text(o.ClientTls.HandshakeTimeout)),
        new("UpstreamTls:HandshakeTimeout", o => Text(o.UpstreamTls.HandshakeTimeout)),
        new("UpstreamSasl:Timeout", o => Text(o.UpstreamSasl.Timeout)),
    ];

    /// <summary>Read once, when the engine is built or started: listeners, sockets, certificates, credentials, limits.</summary>
    public static readonly Setting[] NeedRestart =
    [
        new("Brokers", o => Items(o.Brokers)),
        new("Policies:RequireAcks", o => Text(o.Policies.RequireAcks)),
        new("Policies:MaxRecordBatchBytes", o => Text(o.Policies.MaxRecordBatchBytes)),
        new("Policies:RequireIdempotence", o => Text(o.Policies.RequireIdempotence)),
        new("Policies:AllowedCompression", o => Items(o.Policies.AllowedCompression)),
        new("Policies:CreateTopicsMinReplicationFactor", o => Text(o.Policies.CreateTopicsMinReplicationFactor)),
        new("Policies:CreateTopicsMaxPartitions", o => Text(o.Policies.CreateTopicsMaxPartitions)),
        new("Policies:TopicNamePattern", o => o.Policies.TopicNamePattern),
        new("Audit:Path", o => o.Audit.Path),
        new("Audit:Logger", o => Text(o.Audit.Logger)),
        new("Audit:ApiKeys", o => Items(o.Audit.ApiKeys)),
        new("Audit:Capacity", o => Text(o.Audit.Capacity)),
        new("Tracing:ApiKeys", o => Items(o.Tracing.ApiKeys)),
        new("Tracing:SampleRatio", o => Text(o.Tracing.SampleRatio)),
        new("ExternalServers", o => Items(o.ExternalServers)),
        new("DialAddresses", o => Items(o.DialAddresses)),
        new("DynamicListeners:Enabled", o => Text(o.DynamicListeners.Enabled)),
        new("DynamicListeners:BindAddress", o => o.DynamicListeners.BindAddress),
        new("DynamicListeners:AdvertisedHost", o => o.DynamicListeners.AdvertisedHost),
        new("DynamicListeners:SequentialMinPort", o => Text(o.DynamicListeners.SequentialMinPort)),
        new("DynamicListeners:Deterministic", o => Text(o.DynamicListeners.Deterministic)),
        new("DynamicListeners:MaxListeners", o => Text(o.DynamicListeners.MaxListeners)),
        new("Sni:ListenerAddress", o => Text(o.Sni.ListenerAddress)),
        new("Sni:BootstrapHost", o => o.Sni.BootstrapHost),
        new("Sni:HostPattern", o => o.Sni.HostPattern),
        new("Sni:AdvertisedPort", o => Text(o.Sni.AdvertisedPort)),
        new("Sni:UpstreamBootstrapServers", o => Items(o.Sni.UpstreamBootstrapServers)),
        new("NodePorts:Base", o => Text(o.NodePorts.Base)),
        new("NodePorts:AdvertisedHost", o => o.NodePorts.AdvertisedHost),
        new("NodePorts:ListenHost", o => o.NodePorts.ListenHost),
        new("NodePorts:NodeIdMax", o => Text(o.NodePorts.NodeIdMax)),
        new("ListenerSockets:ReceiveBufferSize", o => Text(o.ListenerSockets.ReceiveBufferSize)),
        new("ListenerSockets:SendBufferSize", o => Text(o.ListenerSockets.SendBufferSize)),
        new("ListenerSockets:KeepAlive", o => Text(o.ListenerSockets.KeepAlive)),
        new("UpstreamSockets:ReceiveBufferSize", o => Text(o.UpstreamSockets.ReceiveBufferSize)),
        new("UpstreamSockets:SendBufferSize", o => Text(o.UpstreamSockets.SendBufferSize)),
        new("UpstreamSockets:KeepAlive", o => Text(o.UpstreamSockets.KeepAlive)),
        new("ClientTls:Enabled", o => Text(o.ClientTls.Enabled)),
        new("ClientTls:CertFile", o => o.ClientTls.CertFile),
        new("ClientTls:KeyFile", o => o.ClientTls.KeyFile),
        new("ClientTls:KeyPassword", o => o.ClientTls.KeyPassword),
        new("ClientTls:ClientCaChainCertFile", o => o.ClientTls.ClientCaChainCertFile),
        new("ClientAuth:Enabled", o => Text(o.ClientAuth.Enabled)),
        new("ClientAuth:Mechanisms", o => Items(o.ClientAuth.Mechanisms)),
        new("UpstreamTls:Enabled", o => Text(o.UpstreamTls.Enabled)),
        new("UpstreamTls:CaChainCertFile", o => o.UpstreamTls.CaChainCertFile),
        new("UpstreamTls:UseSystemTrustStore", o => Text(o.UpstreamTls.UseSystemTrustStore)),
        new("UpstreamTls:ClientCertFile", o => o.UpstreamTls.ClientCertFile),
        new("UpstreamTls:ClientKeyFile", o => o.UpstreamTls.ClientKeyFile),
        new("UpstreamTls:ClientKeyPassword", o => o.UpstreamTls.ClientKeyPassword),
        new("UpstreamTls:ServerName", o => o.UpstreamTls.ServerName),
        new("UpstreamTls:InsecureSkipVerify", o => Text(o.UpstreamTls.InsecureSkipVerify)),
        new("UpstreamSasl:Enabled", o => Text(o.UpstreamSasl.Enabled)),
        new("UpstreamSasl:Mechanism", o => o.UpstreamSasl.Mechanism),
        new("UpstreamSasl:Username", o => o.UpstreamSasl.Username),
        new("UpstreamSasl:Password", o => o.UpstreamSasl.Password),
        new("UpstreamSasl:JaasConfigFile", o => o.UpstreamSasl.JaasConfigFile),
        new("UpstreamSasl:HandshakeVersion", o => Text(o.UpstreamSasl.HandshakeVersion)),
        new("UpstreamSasl:ReauthenticateAt", o => Text(o.UpstreamSasl.ReauthenticateAt)),
        new("MaxFrameSize", o => Text(o.MaxFrameSize)),
        new("MaxInFlightRequests", o => Text(o.MaxInFlightRequests)),
        new("MaxConnections", o => Text(o.MaxConnections)),
        new("ForwardInKernel", o => Text(o.ForwardInKernel)),
    ];

    /// <summary>The values of <paramref name="settings"/> in <paramref name="options"/> as text, taken now: later changes to the object do not show.</summary>
    public static string?[] Values(Setting[] settings, KafkaProxyOptions options) => [.. settings.Select(s => s.Value(options))];

    /// <summary>
    /// The names of the <paramref name="settings"/> whose values in <paramref name="after"/> differ from
    /// <paramref name="before"/> (from <see cref="Values"/>); values, passwords among them, are only compared.
    /// </summary>
    public static List<string> Changed(Setting[] settings, string?[] before, KafkaProxyOptions after) =>
        [.. settings.Where((s, i) => !string.Equals(before[i], s.Value(after), StringComparison.Ordinal)).Select(s => s.Name)];

    private static string? Text<T>(T value) => Convert.ToString(value, CultureInfo.InvariantCulture);

    private static string Items<T>(IEnumerable<T> values) => string.Join('\n', values.Select(v => Text(v)));

    /// <summary>A setting's name as configuration spells it, and its value as text for comparison.</summary>
    internal sealed record Setting(string Name, Func<KafkaProxyOptions, string?> Value);
}
