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
    /// With a <c>Clusters</c> section (<c>KafkaProxy:Clusters:&lt;name&gt;</c>, each with the keys of the proxy's section) one
    /// engine runs per virtual cluster, <paramref name="configure"/> runs on each, and filters added to the builder
    /// serve every cluster (docs/routing.md, "Virtual clusters").
    /// </summary>
    public static IKafkaProxyBuilder AddKafkaProxy(this IServiceCollection services, IConfiguration configuration, Action<KafkaProxyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (VirtualClusterBinder.Names(configuration) is { Count: > 0 } clusters)
        {
            return AddVirtualClusters(services, configuration, clusters, configure);
        }

        // Registered before the caller's action, so that code configures on top of the file.
        services.AddSingleton<IConfigureOptions<KafkaProxyOptions>>(new ConfigureFromConfiguration<KafkaProxyOptions>(configuration, KafkaProxyOptionsBinder.Bind));
        services.AddKafkaProxy(configure);
        // After the engine's hosted service, so that changes reach a started engine.
        services.AddSingleton<IHostedService>(sp => new ProxyConfigurationReloader(
            configuration, sp.GetRequiredService<IOptionsFactory<KafkaProxyOptions>>(), sp.GetRequiredService<ProxyEngine>(), sp.GetService<ILoggerFactory>()));
        return new KafkaProxyBuilder(services, configuration);
    }

    // One engine per cluster, each from its named options; the clusters' checks across each other run at start too.
    private static KafkaProxyBuilder AddVirtualClusters(IServiceCollection services, IConfiguration configuration, IReadOnlyList<string> names, Action<KafkaProxyOptions>? configure)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KafkaProxyOptions>, KafkaProxyOptionsValidator>());
        foreach (string name in names)
        {
            var options = services.AddOptions<KafkaProxyOptions>(name).Configure(o => VirtualClusterBinder.Bind(configuration, name, o));
            if (configure is not null)
            {
                options.Configure(configure);
            }

            options.ValidateOnStart();
        }

        services.AddOptions<VirtualClustersOptions>()
            .Configure(o =>
            {
                o.Names.AddRange(names);
                o.Problems.AddRange(VirtualClusterBinder.MisplacedSettings(configuration));
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VirtualClustersOptions>, VirtualClustersValidator>());
        services.TryAddSingleton(sp =>
        {
            if (sp.GetService<KafkaProxy.Core.Chaos.ChaosProxies>() is not null)
            {
                throw new InvalidOperationException(
                    $"AddChaos() serves one cluster, but {VirtualClusterBinder.Section} in the configuration defines virtual clusters ({string.Join(", ", names)}): run chaos tests against a proxy without virtual clusters.");
            }

            var monitor = sp.GetRequiredService<IOptionsMonitor<KafkaProxyOptions>>();
            var loggerFactory = sp.GetService<ILoggerFactory>();
            var filters = sp.GetServices<IKafkaFilter>().ToList();
            return new VirtualClusters(
                [.. names.Select(n => (n, monitor.Get(n)))],
                (options, sharedSni) => new ProxyEngine(Options.Options.Create(options), loggerFactory, sp.GetService<IMeterFactory>(), sp.GetService<TimeProvider>(), filters, chaos: null, sharedSni),
                (loggerFactory ?? Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger(KafkaProxy.Core.Diagnostics.ProxyLoggers.ListenersCategory),
                sp.GetService<TimeProvider>() ?? TimeProvider.System);
        });
        services.AddSingleton<IHostedService>(sp => new VirtualClustersHostedService(sp.GetRequiredService<VirtualClusters>()));
        foreach (string name in names)
        {
            services.AddSingleton<IHostedService>(sp => new ProxyConfigurationReloader(
                configuration,
                sp.GetRequiredService<IOptionsFactory<KafkaProxyOptions>>(),
                sp.GetRequiredService<VirtualClusters>().Engines.First(e => e.Name == name).Engine,
                sp.GetService<ILoggerFactory>(),
                name));
        }

        return new KafkaProxyBuilder(services, configuration);
    }
}
