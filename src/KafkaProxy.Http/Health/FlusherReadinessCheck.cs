using KafkaProxy.Core.Flushing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KafkaProxy.Http.Health;

/// <summary>Ready when the gateway's producer gets an answer from Kafka; not part of hosts without a gateway.</summary>
internal sealed class FlusherReadinessCheck(IServiceProvider services) : IHealthCheck
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<BatchingFlusher>() is not { } flusher)
        {
            return HealthCheckResult.Healthy("No HTTP gateway in this host.");
        }

        return await flusher.IsKafkaReachableAsync(ProbeTimeout, cancellationToken).ConfigureAwait(false)
            ? HealthCheckResult.Healthy($"Kafka answers; {flusher.BufferedMessages} messages buffered.")
            : HealthCheckResult.Unhealthy("Kafka did not answer the gateway's producer.");
    }
}
