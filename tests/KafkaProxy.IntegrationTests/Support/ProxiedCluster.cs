using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Filters;
using KafkaProxy.Core.Proxy;
using KafkaProxy.Testing;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>A 3-broker test cluster with a proxy in front that maps only broker 1; the others get dynamic listeners.</summary>
internal sealed class ProxiedCluster : IAsyncDisposable
{
    private readonly Action<KafkaProxyOptions>? _configure;

    private ProxiedCluster(KafkaTestCluster cluster, ProxyEngine engine, Action<KafkaProxyOptions>? configure)
    {
        Cluster = cluster;
        Engine = engine;
        _configure = configure;
    }

    public KafkaTestCluster Cluster { get; }

    public CapturingLoggerProvider Logs { get; private init; } = new();

    public ProxyEngine Engine { get; }

    public string Bootstrap => Engine.Listeners.First(l => !l.IsDynamic).Advertised.ToString();

    /// <summary>
    /// Starts the cluster and the proxy; <paramref name="time"/> is the engine's clock (a test's fake one), the system
    /// clock when null; <paramref name="filters"/> the engine's request filters.
    /// </summary>
    public static async Task<ProxiedCluster> StartAsync(int brokers = 3, Action<KafkaProxyOptions>? configure = null, TimeProvider? time = null, IEnumerable<IKafkaFilter>? filters = null)
    {
        var cluster = await KafkaTestCluster.StartAsync(brokers);
        var options = Options(cluster, configure);
        var logs = new CapturingLoggerProvider();
        var loggerFactory = new LoggerFactory([logs]);
        var engine = new ProxyEngine(Microsoft.Extensions.Options.Options.Create(options), loggerFactory, timeProvider: time, filters: filters);
        await engine.StartAsync();
        return new ProxiedCluster(cluster, engine, configure) { Logs = logs };
    }

    /// <summary>A new options object equal to the one the proxy started with, to change and hand to Reconfigure.</summary>
    public KafkaProxyOptions OptionsAsStarted() => Options(Cluster, _configure);

    private static KafkaProxyOptions Options(KafkaTestCluster cluster, Action<KafkaProxyOptions>? configure)
    {
        var options = new KafkaProxyOptions();
        var first = cluster.Brokers[0];
        options.Brokers.Add(new BrokerMapping { Upstream = new HostPort(first.Host, first.Port), Listen = new HostPort("127.0.0.1", 0) });
        configure?.Invoke(options);
        return options;
    }

    public HashSet<int> RealPorts => Cluster.Brokers.Select(b => b.Port).ToHashSet();

    public HashSet<int> ProxyPorts => Engine.Listeners.Select(l => l.Advertised.Port).ToHashSet();

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
