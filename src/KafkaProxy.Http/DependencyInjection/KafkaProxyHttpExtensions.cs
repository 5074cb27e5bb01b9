using KafkaProxy.Http.Health;
using KafkaProxy.Http.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;

#pragma warning disable IDE0130 // Extension entry points live in the DI namespace, as ASP.NET Core's do.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>ASP.NET Core endpoints for KafkaProxy: Prometheus metrics, liveness and readiness.</summary>
public static class KafkaProxyHttpExtensions
{
    /// <summary>Tag of the readiness checks (served by <c>/ready</c>).</summary>
    public const string ReadyTag = "kafka-proxy-ready";

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

    /// <summary>Maps <c>GET {path}</c> to the Prometheus text format of every KafkaProxy metric.</summary>
    public static IEndpointConventionBuilder MapKafkaProxyMetrics(this IEndpointRouteBuilder endpoints, string path = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var collector = endpoints.ServiceProvider.GetRequiredService<PrometheusCollector>();
        // A RequestDelegate, not a Delegate: nothing to bind, so no reflection (trimming and native AOT safe).
        return endpoints.MapGet(path, context => Results.Text(collector.Render(), "text/plain; version=0.0.4; charset=utf-8").ExecuteAsync(context));
    }

    /// <summary>Maps liveness (<paramref name="healthPath"/>: the process serves) and readiness (<paramref name="readyPath"/>).</summary>
    public static IEndpointRouteBuilder MapKafkaProxyHealth(this IEndpointRouteBuilder endpoints, string healthPath = "/health", string readyPath = "/ready")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHealthChecks(healthPath, new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks(readyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) });
        return endpoints;
    }
}
