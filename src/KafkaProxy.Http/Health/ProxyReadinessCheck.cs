using KafkaProxy.Core.Proxy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KafkaProxy.Http.Health;

/// <summary>
/// Ready when the proxy's listeners are bound and accepting, the connection limit is not reached, and at least one
/// broker accepts a TCP connection; not part of hosts without a proxy engine.
/// </summary>
internal sealed class ProxyReadinessCheck(IServiceProvider services) : IHealthCheck
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<VirtualClusters>() is { } clusters)
        {
            // Ready when every virtual cluster is: one that cannot serve makes its clients fail as surely as a lone proxy.
            var ready = new List<string>();
            foreach (var (name, clusterEngine) in clusters.Engines)
            {
                var result = await CheckAsync(clusterEngine, cancellationToken).ConfigureAwait(false);
                if (result.Status != HealthStatus.Healthy)
                {
                    return HealthCheckResult.Unhealthy($"Virtual cluster {name}: {result.Description}");
                }

                ready.Add($"{name}: {result.Description}");
            }

            return HealthCheckResult.Healthy(string.Join(" ", ready));
        }

        return services.GetService<ProxyEngine>() is { } engine
            ? await CheckAsync(engine, cancellationToken).ConfigureAwait(false)
            : HealthCheckResult.Healthy("No proxy engine in this host.");
    }

    private static async Task<HealthCheckResult> CheckAsync(ProxyEngine engine, CancellationToken cancellationToken)
    {
        if (engine.Listeners.Count == 0)
        {
            return HealthCheckResult.Unhealthy("No listener is bound: the proxy has not started.");
        }

        if (engine.AcceptProblem() is { } problem)
        {
            return HealthCheckResult.Unhealthy($"New clients cannot be served: {problem}.");
        }

        string? reachable = await engine.FindReachableBrokerAsync(ProbeTimeout, cancellationToken).ConfigureAwait(false);
        return reachable is null
            ? HealthCheckResult.Unhealthy("No broker accepted a connection.")
            : HealthCheckResult.Healthy($"{engine.Listeners.Count} listeners bound; broker {reachable} reachable.");
    }
}
