using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace KafkaProxy.Http.Telemetry;

/// <summary>
/// What KafkaProxy's hosts export through OpenTelemetry, whichever exporter: the meters (every <c>KafkaProxy.*</c> one
/// and the runtime's <c>System.Runtime</c>), the histogram buckets, and the series limits.
/// </summary>
internal static class KafkaProxyTelemetry
{
    /// <summary>The meters exported: the libraries' (<c>KafkaProxy.Proxy</c>, <c>KafkaProxy.Gateway</c>, <c>KafkaProxy.Http</c>, any later one).</summary>
    public const string MeterWildcard = "KafkaProxy.*";

    /// <summary>The runtime's built-in meter (GC counts, allocated bytes, CPU time).</summary>
    public const string RuntimeMeterName = "System.Runtime";

    /// <summary>ASP.NET Core's request activities: the parent of a push request's spans.</summary>
    public const string AspNetCoreSourceName = "Microsoft.AspNetCore";

    // Seconds, from half a millisecond (a proxied request on a LAN) to ten seconds (a slow delivery); the SDK's default
    // buckets (0 to 10000) are for milliseconds.
    private static readonly double[] SecondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // proxy_requests_total has broker x api_key x api_version series (and more with every tag added later): room for
    // many brokers' real mixes, above the SDK's default of 2000 series per instrument.
    private const int RequestSeriesLimit = 10_000;

    public static MeterProviderBuilder AddKafkaProxyMetrics(this MeterProviderBuilder metrics) => metrics
        .AddMeter(MeterWildcard, RuntimeMeterName)
        .AddView(instrument =>
        {
            if (!instrument.Meter.Name.StartsWith("KafkaProxy.", StringComparison.Ordinal))
            {
                return null;
            }

            int? limit = instrument.Name is "proxy_requests_total" or "proxy_request_duration_seconds" ? RequestSeriesLimit : null;
            if (instrument.Unit == "s" && instrument is Histogram<double> or Histogram<long>)
            {
                return new ExplicitBucketHistogramConfiguration { Boundaries = SecondsBuckets, CardinalityLimit = limit };
            }

            return limit is null ? null : new MetricStreamConfiguration { CardinalityLimit = limit };
        });
}
