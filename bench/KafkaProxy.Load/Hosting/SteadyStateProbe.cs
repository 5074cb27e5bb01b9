using KafkaProxy.Load.Scenarios;

namespace KafkaProxy.Load.Hosting;

/// <summary>
/// Reads the proxy's cost over a scenario's steady window. A scrape allocates in the proxy too; the cost of one
/// scrape, measured with two scrapes back to back, is taken off the window's allocations. With a
/// <see cref="SyscallCounter"/>, the proxy's system calls are counted over the same window (the scrapes left out).
/// </summary>
internal sealed class SteadyStateProbe(ProxyProcess proxy, SyscallCounter? syscalls = null) : ISteadyStateProbe
{
    private (ProcessSample Process, MetricsSnapshot Metrics)? _begin;
    private double _scrapeAllocation;

    public ProxyCost? Cost { get; private set; }

    public void Begin()
    {
        var first = proxy.ScrapeAsync().GetAwaiter().GetResult();
        var second = proxy.ScrapeAsync().GetAwaiter().GetResult();
        _scrapeAllocation = second.Sum("dotnet_gc_heap_total_allocated") - first.Sum("dotnet_gc_heap_total_allocated");
        syscalls?.EnableAsync().GetAwaiter().GetResult();
        _begin = (proxy.Sample(), second);
    }

    public void End()
    {
        if (_begin is not { } begin)
        {
            throw new InvalidOperationException("End without Begin");
        }

        var process = proxy.Sample();
        syscalls?.DisableAsync().GetAwaiter().GetResult();
        var metrics = proxy.ScrapeAsync().GetAwaiter().GetResult();
        var cost = ProxyCost.Between(begin.Process, begin.Metrics, process, metrics);
        Cost = cost with { AllocatedBytes = Math.Max(0, cost.AllocatedBytes - _scrapeAllocation) };
    }
}
