using System.Diagnostics.Metrics;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.DependencyInjection;
using KafkaProxy.Core.Proxy;
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
            sp.GetService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ProxyEngineHostedService>());
        return new KafkaProxyBuilder(services);
    }
}
