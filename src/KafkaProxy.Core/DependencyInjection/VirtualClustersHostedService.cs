using KafkaProxy.Core.Proxy;
using Microsoft.Extensions.Hosting;

namespace KafkaProxy.Core.DependencyInjection;

/// <summary>Starts the virtual clusters' engines with the host and drains them when the host stops.</summary>
internal sealed class VirtualClustersHostedService(VirtualClusters clusters) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => clusters.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => clusters.StopAsync(cancellationToken);
}
