namespace KafkaProxy.Load.Hosting;

/// <summary>
/// What the proxy process spent while a scenario ran through it: CPU from /proc, requests, bytes and GC figures
/// from its own metrics. NaN where the proxy does not export a figure. <paramref name="Bytes"/> counts both directions
/// (request and response bytes forwarded); <paramref name="ProduceRequests"/> and <paramref name="FetchRequests"/>
/// count the Produce and Fetch requests among <paramref name="Requests"/>.
/// </summary>
internal sealed record ProxyCost(double CpuSeconds, double Requests, double Bytes, double Gen0, double Gen1, double Gen2, double AllocatedBytes, double ProduceRequests, double FetchRequests)
{
    public static readonly ProxyCost Zero = new(0, 0, 0, 0, 0, 0, 0, 0, 0);

    public double CpuMicrosPerRequest => Requests > 0 ? CpuSeconds * 1e6 / Requests : double.NaN;

    public double CpuSecondsPerGigabyte => Bytes > 0 ? CpuSeconds / (Bytes / 1e9) : double.NaN;

    public double AllocatedBytesPerRequest => Requests > 0 ? AllocatedBytes / Requests : double.NaN;

    /// <summary>Bytes allocated over the Fetch responses forwarded (each Fetch request has one).</summary>
    public double AllocatedBytesPerFetch => FetchRequests > 0 ? AllocatedBytes / FetchRequests : double.NaN;

    public static ProxyCost Between(ProcessSample startProcess, MetricsSnapshot start, ProcessSample endProcess, MetricsSnapshot end)
    {
        double Delta(string name, string? label = null) =>
            end.Has(name) ? end.Sum(name, label) - start.Sum(name, label) : double.NaN;

        return new ProxyCost(
            (endProcess.CpuTime - startProcess.CpuTime).TotalSeconds,
            Delta("proxy_requests_total"),
            Delta("proxy_requests_bytes") + Delta("proxy_responses_bytes"),
            Delta("dotnet_gc_collections", "\"gen0\""),
            Delta("dotnet_gc_collections", "\"gen1\""),
            Delta("dotnet_gc_collections", "\"gen2\""),
            Delta("dotnet_gc_heap_total_allocated"),
            Delta("proxy_requests_total", "api_key=\"0\""),
            Delta("proxy_requests_total", "api_key=\"1\""));
    }

    public ProxyCost Add(ProxyCost other) => new(
        CpuSeconds + other.CpuSeconds,
        Requests + other.Requests,
        Bytes + other.Bytes,
        Gen0 + other.Gen0,
        Gen1 + other.Gen1,
        Gen2 + other.Gen2,
        AllocatedBytes + other.AllocatedBytes,
        ProduceRequests + other.ProduceRequests,
        FetchRequests + other.FetchRequests);
}
