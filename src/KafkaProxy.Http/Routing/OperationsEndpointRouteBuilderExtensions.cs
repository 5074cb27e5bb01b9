using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

#pragma warning disable IDE0130 // Endpoint extensions live in ASP.NET Core's builder namespace, as its own Map* methods do.
namespace Microsoft.AspNetCore.Builder;
#pragma warning restore IDE0130

/// <summary>Maps KafkaProxy's operations endpoints: Prometheus metrics, liveness and readiness (registered with <c>AddOperationsEndpoints</c>).</summary>
public static class OperationsEndpointRouteBuilderExtensions
{
    /// <summary>Maps <c>GET {path}</c> to the Prometheus text format of every KafkaProxy metric and the runtime's (OpenTelemetry's Prometheus exporter).</summary>
    public static IEndpointConventionBuilder MapKafkaProxyMetrics(this IEndpointRouteBuilder endpoints, string path = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapPrometheusScrapingEndpoint(path, meterProvider: null, configureBranchedPipeline: pipeline => pipeline.Use(static (context, next) =>
        {
            // Always the classic text format (version 0.0.4), even to a scraper that prefers OpenMetrics: there a counter's
            // samples must end in _total, and the Go kafka-proxy's counters proxy_requests_bytes and proxy_responses_bytes
            // would change their names.
            context.Request.Headers[HeaderNames.Accept] = "text/plain; version=0.0.4";
            return next(context);
        }), optionsName: null);
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
