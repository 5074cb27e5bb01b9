using KafkaProxy.Core.Proxy;
using Microsoft.Extensions.Hosting;

namespace KafkaProxy.Core.DependencyInjection;

/// <summary>Starts the proxy engine with the host and drains it when the host stops.</summary>
internal sealed class ProxyEngineHostedService(ProxyEngine engine) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => engine.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => engine.StopAsync(cancellationToken);
}
