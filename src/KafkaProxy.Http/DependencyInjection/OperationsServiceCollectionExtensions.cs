using KafkaProxy.Http.Health;
using KafkaProxy.Http.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;

#pragma warning disable IDE0130 // Extension entry points live in the DI namespace, as ASP.NET Core's do.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>The services behind KafkaProxy's operations endpoints: Prometheus metrics, liveness and readiness.</summary>
public static class OperationsServiceCollectionExtensions
{
    /// <summary>Tag of the readiness checks (served by <c>/ready</c>).</summary>
    internal const string ReadyTag = "kafka-proxy-ready";

    /// <summary>
    /// Adds the Prometheus collector and the health checks: liveness (the process serves) and readiness (the proxy's
    /// listeners bound and a broker reachable; the gateway's producer answered by Kafka).
    /// </summary>
    public static IKafkaProxyBuilder AddOperationsEndpoints(this IKafkaProxyBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<PrometheusCollector>();
        builder.Services.AddHealthChecks()
            .AddCheck<ProxyReadinessCheck>("proxy", tags: [ReadyTag])
            .AddCheck<FlusherReadinessCheck>("gateway", tags: [ReadyTag]);
        return builder;
    }
}
