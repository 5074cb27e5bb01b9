using System.Diagnostics.Metrics;
using KafkaProxy.Core.DependencyInjection;
using KafkaProxy.Core.Flushing;
using KafkaProxy.Http.Gateway;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

#pragma warning disable IDE0130 // Extension entry points live in the DI namespace, as ASP.NET Core's do.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>The HTTP push gateway: <c>POST /</c> and <c>POST /topic/{topic}</c> in front of the <see cref="BatchingFlusher"/>.</summary>
public static class HttpPushServiceCollectionExtensions
{
    /// <summary>
    /// Adds the push endpoints' services and the <see cref="BatchingFlusher"/>. With <paramref name="configuration"/>,
    /// settings are read from the sections <c>KafkaProxy:Flusher</c> and <c>KafkaProxy:HttpPush</c> and from the
    /// environment names existing deployments use (<c>KAFKA_PROXY_TOKEN</c>, <c>KAFKA_PROXY_KAFKA_SERVER</c>,
    /// <c>KAFKA_PROXY_TOPIC</c>, <c>KAFKA_FLUSHER_TOPIC_CACHE</c>, <c>KAFKA_FLUSHER_NUM_MESSAGES</c>,
    /// <c>KAFKA_FLUSHER_TIMEOUT</c>); <paramref name="configure"/> runs after that. Options are validated at start: the
    /// gateway refuses to start without a token. The host's shutdown timeout is raised to cover the flusher's drain.
    /// </summary>
    public static IKafkaProxyBuilder AddHttpPush(this IServiceCollection services, IConfiguration? configuration = null, Action<HttpPushOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddBatchingFlusher();
        if (configuration is not null)
        {
            var binding = new GatewayConfiguration(configuration);
            services.AddSingleton<IConfigureOptions<BatchingFlusherOptions>>(binding);
            services.AddSingleton<IConfigureOptions<HttpPushOptions>>(binding);
        }

        var options = services.AddOptions<HttpPushOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpPushOptions>, HttpPushOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new InProgressBudget(sp.GetRequiredService<IOptions<HttpPushOptions>>().Value.MaxInProgressBytes));
        services.TryAddSingleton(sp => new GatewayHttpMetrics(sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<InProgressBudget>()));
        services.TryAddSingleton<PushEndpoints>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<HostOptions>, DrainCoveringShutdownTimeout>());
        return builder;
    }

    // The host must wait for the flusher's drain, or a stop would cut it short.
    private sealed class DrainCoveringShutdownTimeout(IOptions<BatchingFlusherOptions> flusher) : IPostConfigureOptions<HostOptions>
    {
        public void PostConfigure(string? name, HostOptions options)
        {
            var needed = flusher.Value.DrainTimeout + TimeSpan.FromSeconds(10);
            if (options.ShutdownTimeout < needed)
            {
                options.ShutdownTimeout = needed;
            }
        }
    }
}
