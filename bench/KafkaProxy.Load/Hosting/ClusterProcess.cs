using KafkaProxy.Load.Cluster;

namespace KafkaProxy.Load.Hosting;

/// <summary>The test cluster, running as <c>kafkaproxy-load cluster</c> in a process of its own.</summary>
internal sealed class ClusterProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private ClusterProcess(ChildProcess process, IReadOnlyList<string> brokers)
    {
        _process = process;
        Brokers = brokers;
    }

    /// <summary>The brokers' <c>host:port</c> addresses, broker 1 first.</summary>
    public IReadOnlyList<string> Brokers { get; }

    public string BootstrapServers => string.Join(',', Brokers);

    public int ProcessId => _process.Id;

    public static async Task<ClusterProcess> StartAsync(string logDirectory)
    {
        var process = SelfProcess.Start("the cluster process", ["cluster"], Path.Combine(logDirectory, "cluster.log"));
        try
        {
            string bootstrap = await process.WaitForLineAsync(ClusterCommand.BootstrapPrefix, TimeSpan.FromSeconds(30));
            return new ClusterProcess(process, bootstrap.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
