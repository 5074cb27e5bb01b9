using KafkaProxy.Core.Diagnostics;
using KafkaProxy.Http.Health;
using KafkaProxy.Http.Telemetry;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

#pragma warning disable IDE0130 // Extension entry points live in the DI namespace, as ASP.NET Core's do.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>
/// The services behind KafkaProxy's operations endpoints (Prometheus metrics, liveness and readiness) and its OTLP
/// export. The libraries only publish meters and an activity source; these choose the exporters, through OpenTelemetry.
/// </summary>
public static class OperationsServiceCollectionExtensions
{
    /// <summary>Tag of the readiness checks (served by <c>/ready</c>).</summary>
    internal const string ReadyTag = "kafka-proxy-ready";

    /// <summary>The standard variable that names the OTLP receiver; also read per signal (<c>..._METRICS_ENDPOINT</c>, <c>..._TRACES_ENDPOINT</c>).</summary>
    internal const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Adds the health checks, liveness (the process serves) and readiness (the proxy's listeners bound and a broker
    /// reachable; the gateway's producer answered by Kafka), and OpenTelemetry's Prometheus exporter for every KafkaProxy
    /// meter and the runtime's (<c>System.Runtime</c>), served by <c>MapKafkaProxyMetrics</c>.
    /// </summary>
    public static IKafkaProxyBuilder AddOperationsEndpoints(this IKafkaProxyBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddKafkaProxyMetrics().AddPrometheusExporter(options =>
        {
            // The names are exported as the instruments spell them (the Go kafka-proxy's among them): no unit or _total
            // suffixes added, no scope labels, no target_info series.
            options.TranslationStrategy = OpenTelemetry.Exporter.PrometheusAspNetCoreTranslationStrategy.UnderscoreEscapingWithoutSuffixes;
            options.ScopeInfoEnabled = false;
            options.TargetInfoEnabled = false;
            // Each scrape reads the instruments now: two scrapes around an action see its effect.
            options.ScrapeResponseCacheDurationMilliseconds = 0;
        }));
        builder.Services.AddHealthChecks()
            .AddCheck<ProxyReadinessCheck>("proxy", tags: [ReadyTag])
            .AddCheck<FlusherReadinessCheck>("gateway", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>
    /// When <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c> /
    /// <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>) is set in <paramref name="configuration"/> (the environment, for one),
    /// exports KafkaProxy's metrics and spans (activity source <c>KafkaProxy</c>, and ASP.NET Core's request spans as
    /// their parents) over OTLP, configured by the standard <c>OTEL_*</c> variables (<c>OTEL_EXPORTER_OTLP_PROTOCOL</c>,
    /// <c>OTEL_METRIC_EXPORT_INTERVAL</c>, <c>OTEL_SERVICE_NAME</c>, <c>OTEL_TRACES_SAMPLER</c>...). Unset, nothing is
    /// added: no span is created at all.
    /// </summary>
    public static IKafkaProxyBuilder AddOtlpExport(this IKafkaProxyBuilder builder, IConfiguration configuration, string serviceName = "kafka-proxy")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        bool metrics = IsSet(configuration, OtlpEndpointKey) || IsSet(configuration, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");
        bool traces = IsSet(configuration, OtlpEndpointKey) || IsSet(configuration, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        if (!metrics && !traces)
        {
            return builder;
        }

        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(serviceName));
        if (metrics)
        {
            telemetry.WithMetrics(m => m.AddKafkaProxyMetrics().AddOtlpExporter());
        }

        if (traces)
        {
            telemetry.WithTracing(t => t.AddSource(ProxyTracing.SourceName, KafkaProxyTelemetry.AspNetCoreSourceName).AddOtlpExporter());
        }

        return builder;
    }

    private static bool IsSet(IConfiguration configuration, string key) => !string.IsNullOrWhiteSpace(configuration[key]);
}
