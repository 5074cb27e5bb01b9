using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace KafkaProxy.Http.Tests.Telemetry;

public sealed class OtlpExportTests
{
    [Fact]
    public void AddOtlpExport_NoEndpoint_AddsNoProvider()
    {
        using var services = Build(new Dictionary<string, string?>());

        Assert.Null(services.GetService<TracerProvider>());
        Assert.Null(services.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", true, true)]
    [InlineData("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", true, false)]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", false, true)]
    public void AddOtlpExport_EndpointSet_AddsTheSignalsItNames(string key, bool metrics, bool traces)
    {
        using var services = Build(new Dictionary<string, string?> { [key] = "http://127.0.0.1:4318" });

        Assert.Equal(metrics, services.GetService<MeterProvider>() is not null);
        Assert.Equal(traces, services.GetService<TracerProvider>() is not null);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        new Builder(services).AddOtlpExport(configuration);
        return services.BuildServiceProvider();
    }

    private sealed class Builder(IServiceCollection services) : IKafkaProxyBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
