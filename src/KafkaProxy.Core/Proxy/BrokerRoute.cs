using KafkaProxy.Core.Configuration;

namespace KafkaProxy.Core.Proxy;

/// <summary>Where a listener's connections go: the broker as advertised, and the address actually dialed.</summary>
internal sealed record BrokerRoute(HostPort Upstream, HostPort Dial)
{
    /// <summary>The broker label of metrics and logs: the advertised broker address, as the Go proxy labels it.</summary>
    public string MetricName { get; } = Upstream.ToString();
}
