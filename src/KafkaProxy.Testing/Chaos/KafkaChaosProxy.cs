using System.Diagnostics.CodeAnalysis;
using Confluent.Kafka;
using KafkaProxy.Core;
using KafkaProxy.Core.Chaos;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KafkaProxy.Testing.Chaos;

/// <summary>
/// A Kafka proxy for fault injection in tests, in front of any cluster (a <see cref="KafkaTestCluster"/>, a container,
/// a real cluster): clients use <see cref="BootstrapServers"/>; every broker is a <see cref="KafkaChaosListener"/>
/// (<c>broker-&lt;node id&gt;</c>) whose faults change while they run. With <c>serveApi</c>, Toxiproxy's HTTP API is served
/// on <see cref="ApiAddress"/> (loopback), so that Toxiproxy clients in any language drive the same faults.
/// </summary>
/// <example><code>
/// await using var chaos = await KafkaChaosProxy.StartAsync(cluster.BootstrapServers);
/// chaos.Proxies["broker-1"].AddToxic(ChaosToxic.Latency(TimeSpan.FromMilliseconds(200)));
/// chaos.Proxies["broker-2"].Disable();
/// </code></example>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class KafkaChaosProxy : IAsyncDisposable
{
    private static readonly TimeSpan DiscoveryTimeout = TimeSpan.FromSeconds(30);

    private readonly ProxyEngine _engine;
    private readonly ChaosProxies _chaos;
    private WebApplication? _api;

    private KafkaChaosProxy(ProxyEngine engine, ChaosProxies chaos, string bootstrapServers)
    {
        _engine = engine;
        _chaos = chaos;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>The proxy's addresses of the bootstrap servers, for a client's <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>Where the Toxiproxy API is served (<c>http://127.0.0.1:port/</c>), or null when it was not asked for.</summary>
    public Uri? ApiAddress { get; private set; }

    /// <summary>Every broker, by name (<c>broker-1</c>, ...), as of now: a broker the cluster adds later appears when a response names it.</summary>
    public IReadOnlyDictionary<string, KafkaChaosListener> Proxies => _chaos.All.ToDictionary(p => p.Name, p => new KafkaChaosListener(p), StringComparer.Ordinal);

    /// <summary>
    /// Starts a proxy for <paramref name="bootstrapServers"/> (each on its own loopback port; brokers the cluster names
    /// besides them get listeners of their own) and learns every broker's node id from the cluster's metadata.
    /// </summary>
    /// <param name="bootstrapServers">The cluster's comma-separated <c>host:port</c> list.</param>
    /// <param name="serveApi">Also serve Toxiproxy's HTTP API on a free loopback port (<see cref="ApiAddress"/>).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="InvalidOperationException">The cluster's metadata could not be read through the proxy.</exception>
    public static async Task<KafkaChaosProxy> StartAsync(string bootstrapServers, bool serveApi = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(bootstrapServers);
        var options = new KafkaProxyOptions();
        foreach (string server in bootstrapServers.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            options.Brokers.Add(new BrokerMapping { Upstream = HostPort.Parse(server), Listen = new HostPort("127.0.0.1", 0) });
        }

        var chaos = new ChaosProxies();
        var engine = new ProxyEngine(Options.Create(options), chaos: chaos);
        KafkaChaosProxy? proxy = null;
        try
        {
            await engine.StartAsync(cancellationToken).ConfigureAwait(false);
            proxy = new KafkaChaosProxy(engine, chaos, string.Join(",", engine.Listeners.Select(l => l.Advertised.ToString())));
            await Task.Run(proxy.DiscoverBrokers, cancellationToken).ConfigureAwait(false);
            if (serveApi)
            {
                await proxy.ServeApiAsync(cancellationToken).ConfigureAwait(false);
            }

            return proxy;
        }
        catch
        {
            if (proxy is null)
            {
                await engine.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await proxy.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Enables every broker and removes every toxic (Toxiproxy's <c>POST /reset</c>).</summary>
    public void Reset() => _chaos.Reset();

    /// <summary>Stops the API and the proxy; clients' connections close.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync().ConfigureAwait(false);
        }

        await _engine.DisposeAsync().ConfigureAwait(false);
    }

    // A Metadata request through the proxy names every broker with its node id: the mapped listeners learn theirs, and
    // brokers not in the bootstrap list get listeners.
    private void DiscoverBrokers()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers })
            .SetLogHandler((_, _) => { })
            .Build();
        Metadata metadata;
        try
        {
            metadata = admin.GetMetadata(DiscoveryTimeout);
        }
        catch (KafkaException ex)
        {
            throw new InvalidOperationException($"The chaos proxy could not read the cluster's metadata through {BootstrapServers}: {ex.Error.Reason}. Check that the bootstrap servers are reachable.", ex);
        }

        var missing = metadata.Brokers.Select(b => ChaosProxy.BrokerName(b.BrokerId)).Except(_chaos.All.Select(p => p.Name)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"The chaos proxy has no listener for {string.Join(", ", missing)} after reading the cluster's metadata.");
        }
    }

    private async Task ServeApiAsync(CancellationToken cancellationToken)
    {
        // An empty builder: the test project's appsettings.json and ASPNETCORE_* variables are not this server's settings.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(_chaos);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapKafkaChaosApi();
        _api = app;
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        ApiAddress = new Uri(app.Urls.First() + "/");
    }
}
