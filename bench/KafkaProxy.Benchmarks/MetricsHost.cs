using System.Diagnostics.Metrics;
using KafkaProxy.Core.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace KafkaProxy.Benchmarks;

/// <summary>How the proxy's measurements leave the process in a metrics benchmark.</summary>
public enum MetricsExport
{
    /// <summary>No listener: the instruments are disabled (the floor).</summary>
    None,

    /// <summary>The hand-made collector that served /metrics before OpenTelemetry (<see cref="LegacyPrometheusCollector"/>).</summary>
    Collector,

    /// <summary>OpenTelemetry's MeterProvider with the Prometheus exporter, wired as the hosts wire it (AddOperationsEndpoints, MapKafkaProxyMetrics).</summary>
    OpenTelemetryPrometheus,

    /// <summary>OpenTelemetry's MeterProvider with the OTLP/HTTP exporter (AddOtlpExport), to a receiver in the same process.</summary>
    OpenTelemetryOtlp,
}

/// <summary>
/// A web host on a loopback port that exports the proxy's instruments one way: /metrics for the collector (as the old
/// endpoint rendered it) and for the Prometheus exporter; POST /v1/metrics receives the OTLP exports.
/// </summary>
internal sealed class MetricsHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly LegacyPrometheusCollector? _collector;
    private static long s_otlpBytes;

    private MetricsHost(WebApplication app, LegacyPrometheusCollector? collector, HttpClient http)
    {
        _app = app;
        _collector = collector;
        Http = http;
        Metrics = new ProxyMetrics(app.Services.GetRequiredService<IMeterFactory>());
    }

    public ProxyMetrics Metrics { get; }

    public HttpClient Http { get; }

    /// <summary>Bytes of OTLP request bodies received so far (by every host of the process).</summary>
    public static long OtlpBytesReceived => Interlocked.Read(ref s_otlpBytes);

    /// <summary>The OpenTelemetry MeterProvider, when the export is one of its exporters.</summary>
    public MeterProvider? Provider => _app.Services.GetService<MeterProvider>();

    public static async Task<MetricsHost> StartAsync(MetricsExport export)
    {
        // A port chosen first: the OTLP exporter reads its endpoint (this host) when the provider is built, at the start.
        string address = $"http://127.0.0.1:{FreePort()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(address);
        builder.Logging.ClearProviders();
        var services = new ServicesOnly(builder.Services);
        if (export == MetricsExport.OpenTelemetryPrometheus)
        {
            services.AddOperationsEndpoints();
        }

        if (export == MetricsExport.OpenTelemetryOtlp)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = address,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            });
            services.AddOtlpExport(builder.Configuration);
        }

        var collector = export == MetricsExport.Collector ? new LegacyPrometheusCollector() : null;
        var app = builder.Build();
        if (export == MetricsExport.OpenTelemetryPrometheus)
        {
            app.MapKafkaProxyMetrics();
        }
        else if (collector is not null)
        {
            // As the old MapKafkaProxyMetrics served it.
            app.MapGet("/metrics", context => Results.Text(collector.Render(), "text/plain; version=0.0.4; charset=utf-8").ExecuteAsync(context));
        }

        app.MapPost("/v1/metrics", async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            Interlocked.Add(ref s_otlpBytes, body.Length);
            context.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        return new MetricsHost(app, collector, new HttpClient { BaseAddress = new Uri(address) });
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        _collector?.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    private sealed class ServicesOnly(IServiceCollection services) : IKafkaProxyBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
