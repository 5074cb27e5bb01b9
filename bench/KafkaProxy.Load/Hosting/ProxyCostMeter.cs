namespace KafkaProxy.Load.Hosting;

/// <summary>Measures a <see cref="ProxyCost"/> around a piece of work.</summary>
internal static class ProxyCostMeter
{
    public static async Task<(T Result, ProxyCost Cost)> MeasureAsync<T>(ProxyProcess proxy, Func<Task<T>> work)
    {
        var startMetrics = await proxy.ScrapeAsync();
        var startProcess = proxy.Sample();
        T result = await work();
        var endProcess = proxy.Sample();
        var endMetrics = await proxy.ScrapeAsync();
        return (result, ProxyCost.Between(startProcess, startMetrics, endProcess, endMetrics));
    }
}
