using KafkaProxy.Core.Configuration;
using KafkaProxy.Protocol.Headers;

namespace KafkaProxy.Core.Security;

/// <summary>
/// Api keys a client may not send: those of <c>--forbidden-api-keys</c>, and the SASL requests when the proxy itself
/// authenticates to the brokers (a client's own SaslHandshake would start a second exchange on the proxy's
/// authenticated connection) or the clients (they authenticated before their first request reached the pumps, and the
/// proxy grants sessions without a lifetime, so a second exchange has no purpose). Built whole, and built again when the
/// forbidden keys change; the check per request is one array lookup.
/// </summary>
internal sealed class RequestGate
{
    private readonly Refusal?[] _refusals;

    private RequestGate(Refusal?[] refusals) => _refusals = refusals;

    /// <summary>The gate of an engine started with <paramref name="options"/>, refusing <paramref name="forbiddenApiKeys"/> (by default the options' own).</summary>
    public static RequestGate Create(KafkaProxyOptions options, ICollection<short>? forbiddenApiKeys = null)
    {
        forbiddenApiKeys ??= options.ForbiddenApiKeys;
        int size = forbiddenApiKeys.Count == 0 ? 0 : forbiddenApiKeys.Max() + 1;
        if (options.UpstreamSasl.Enabled || options.ClientAuth.Enabled)
        {
            size = Math.Max(size, (int)ApiKey.SaslAuthenticate + 1);
        }

        var refusals = new Refusal?[size];
        if (options.ClientAuth.Enabled)
        {
            foreach (var key in new[] { ApiKey.SaslHandshake, ApiKey.SaslAuthenticate })
            {
                refusals[(int)key] = new Refusal("reauthentication", $"the client sent {key} (api key {(int)key}) after it had authenticated at the proxy (KafkaProxy:ClientAuth:Enabled); the proxy does not re-authenticate clients (its sessions have no lifetime)");
            }
        }
        else if (options.UpstreamSasl.Enabled)
        {
            foreach (var key in new[] { ApiKey.SaslHandshake, ApiKey.SaslAuthenticate })
            {
                refusals[(int)key] = new Refusal("sasl_by_proxy", $"the client sent {key} (api key {(int)key}), but the proxy authenticates to the brokers itself (KafkaProxy:UpstreamSasl:Enabled): configure the client without SASL (security.protocol=PLAINTEXT)");
            }
        }

        foreach (short key in forbiddenApiKeys)
        {
            string name = Enum.IsDefined((ApiKey)key) ? $"{(ApiKey)key} (api key {key})" : $"api key {key}";
            refusals[key] = new Refusal("forbidden", $"the client sent {name}, which KafkaProxy:ForbiddenApiKeys refuses");
        }

        return new RequestGate(refusals);
    }

    /// <summary>Why <paramref name="apiKey"/> is refused, or null when it may pass.</summary>
    public Refusal? Check(short apiKey) => (uint)apiKey < (uint)_refusals.Length ? _refusals[apiKey] : null;

    /// <summary>A refusal: a metric label from a fixed set, and the log message.</summary>
    internal sealed record Refusal(string Reason, string Message);
}
