using System.Diagnostics.Metrics;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Configuration.Binding;
using KafkaProxy.Core.DependencyInjection;
using KafkaProxy.Core.Filters;
using KafkaProxy.Core.Proxy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers KafkaProxy's services.</summary>
public static class KafkaProxyServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Kafka protocol proxy: <see cref="ProxyEngine"/> as a singleton started and drained with the host.
    /// Options are validated when the host starts, so a bad configuration never serves traffic.
    /// </summary>
    public static IKafkaProxyBuilder AddKafkaProxy(this IServiceCollection services, Action<KafkaProxyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ValidatedOptions.Add<KafkaProxyOptions, KafkaProxyOptionsValidator>(services, configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ProxyEngine(
            sp.GetRequiredService<IOptions<KafkaProxyOptions>>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>(),
            sp.GetService<TimeProvider>(),
            sp.GetServices<IKafkaFilter>(),
            sp.GetService<KafkaProxy.Core.Chaos.ChaosProxies>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ProxyEngineHostedService>());
        return new KafkaProxyBuilder(services, configuration: null);
    }

    /// <summary>
    /// Adds the Kafka protocol proxy with its options bound from <paramref name="configuration"/>, conventionally
    /// <c>builder.Configuration.GetSection("KafkaProxy")</c>; <paramref name="configure"/> runs after the binding. Host:port
    /// values and mappings bind from text (<c>"broker-1:9092,127.0.0.1:19092"</c>) or objects, durations from Go-style
    /// (<c>"15s"</c>, <c>"5m"</c>) or <see cref="TimeSpan"/> text, lists from items or from one separated value. A value that
    /// does not bind, or a key that is not a setting, fails validation at start naming the key. When the configuration
    /// changes (a file with <c>reloadOnChange</c>), forbidden api keys, timeouts and the client credentials file apply
    /// at once; other changes are logged as needing a restart, and an invalid change is logged and not applied.
    /// </summary>
    public static IKafkaProxyBuilder AddKafkaProxy(this IServiceCollection services, IConfiguration configuration, Action<KafkaProxyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        // Registered before the caller's action, so that code configures on top of the file.
        services.AddSingleton<IConfigureOptions<KafkaProxyOptions>>(new ConfigureFromConfiguration<KafkaProxyOptions>(configuration, KafkaProxyOptionsBinder.Bind));
        services.AddKafkaProxy(configure);
        // After the engine's hosted service, so that changes reach a started engine.
        services.AddSingleton<IHostedService>(sp => new ProxyConfigurationReloader(
            configuration, sp.GetRequiredService<IOptionsFactory<KafkaProxyOptions>>(), sp.GetRequiredService<ProxyEngine>(), sp.GetService<ILoggerFactory>()));
        return new KafkaProxyBuilder(services, configuration);
    }
}
