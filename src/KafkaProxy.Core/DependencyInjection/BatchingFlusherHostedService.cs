using KafkaProxy.Core.Flushing;
using Microsoft.Extensions.Hosting;

namespace KafkaProxy.Core.DependencyInjection;

/// <summary>Starts the flusher with the host and drains it when the host stops.</summary>
internal sealed class BatchingFlusherHostedService(BatchingFlusher flusher) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => flusher.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => flusher.StopAsync(cancellationToken);
}
