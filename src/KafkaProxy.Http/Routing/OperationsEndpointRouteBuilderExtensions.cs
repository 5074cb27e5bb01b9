using KafkaProxy.Http.Metrics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

#pragma warning disable IDE0130 // Endpoint extensions live in ASP.NET Core's builder namespace, as its own Map* methods do.
namespace Microsoft.AspNetCore.Builder;
#pragma warning restore IDE0130

/// <summary>Maps KafkaProxy's operations endpoints: Prometheus metrics, liveness and readiness (registered with <c>AddOperationsEndpoints</c>).</summary>
public static class OperationsEndpointRouteBuilderExtensions
{
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
        endpoints.MapHealthChecks(readyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains(OperationsServiceCollectionExtensions.ReadyTag) });
        return endpoints;
    }
}
