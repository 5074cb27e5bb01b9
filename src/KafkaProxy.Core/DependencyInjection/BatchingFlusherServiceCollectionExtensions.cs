using System.Diagnostics.Metrics;
using KafkaProxy.Core.Flushing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KafkaProxy.Core.DependencyInjection;

/// <summary>Registers the <see cref="BatchingFlusher"/> of the HTTP push gateway.</summary>
internal static class BatchingFlusherServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="BatchingFlusher"/> as a singleton started with the host and drained when it stops. Options
    /// are validated when the host starts. An <see cref="ITopicStore"/> registered before wins over the default (the
    /// cache file, or memory when none is set). The proxy engine is not needed for this and not registered by it.
    /// </summary>
    public static IKafkaProxyBuilder AddBatchingFlusher(this IServiceCollection services, Action<BatchingFlusherOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ValidatedOptions.Add<BatchingFlusherOptions, BatchingFlusherOptionsValidator>(services, configure);
        services.TryAddSingleton(sp => new BatchingFlusher(
            sp.GetRequiredService<IOptions<BatchingFlusherOptions>>(),
            sp.GetService<ITopicStore>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>(),
            sp.GetService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, BatchingFlusherHostedService>());
        return new KafkaProxyBuilder(services, configuration: null);
    }

}
