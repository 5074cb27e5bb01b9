using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Filters;
using KafkaProxy.Core.Filters.BuiltIn;
using KafkaProxy.Core.Security;

namespace KafkaProxy.Core.Proxy;

/// <summary>
/// The settings a running engine changes without a restart (<see cref="ProxyEngine.Reconfigure"/>): the filter chains
/// (with the api-key gate), the timeouts (filters' included) and deadlines, and the path of the client credentials file. New and existing connections read them
/// from here. Immutable: a change swaps the whole snapshot (<see cref="LiveSettings"/>).
/// </summary>
internal sealed record ReloadableSettings(
    FilterChains Filters,
    TimeSpan IdleTimeout,
    TimeSpan UpstreamReadTimeout,
    TimeSpan WriteTimeout,
    TimeSpan DialTimeout,
    TimeSpan DrainTimeout,
    TimeSpan ClientAuthTimeout,
    TimeSpan ClientTlsHandshakeTimeout,
    TimeSpan UpstreamTlsHandshakeTimeout,
    TimeSpan UpstreamSaslTimeout,
    TimeSpan FilterTimeout,
    string? CredentialsFile)
{
    /// <summary>
    /// The settings of <paramref name="next"/>, with the filter chains: <paramref name="beforeGate"/> (the address rewriting,
    /// the first response filter; the audit, which records also what the gate refuses), the api-key gate of <paramref name="next"/>'s forbidden keys, then
    /// <paramref name="afterGate"/> (the policies and the user's filters). The gate keeps refusing the SASL requests that
    /// the features <paramref name="running"/> started with make unusable (those features change only with a restart).
    /// </summary>
    public static ReloadableSettings From(KafkaProxyOptions running, KafkaProxyOptions next, IReadOnlyList<IKafkaFilter> beforeGate, IReadOnlyList<IKafkaFilter> afterGate) => new(
        FilterChains.Create([.. beforeGate, new ApiKeyGateFilter(RequestGate.Create(running, next.ForbiddenApiKeys)), .. afterGate]),
        next.IdleTimeout,
        next.UpstreamReadTimeout,
        next.WriteTimeout,
        next.DialTimeout,
        next.DrainTimeout,
        next.ClientAuth.Timeout,
        next.ClientTls.HandshakeTimeout,
        next.UpstreamTls.HandshakeTimeout,
        next.UpstreamSasl.Timeout,
        next.FilterTimeout,
        next.ClientAuth.CredentialsFile);
}
