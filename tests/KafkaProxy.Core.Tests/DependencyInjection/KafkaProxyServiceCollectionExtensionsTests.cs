using System.Diagnostics.Metrics;
using System.Net.Sockets;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.DependencyInjection;
using KafkaProxy.Core.Diagnostics;
using KafkaProxy.Core.Proxy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KafkaProxy.Core.Tests.DependencyInjection;

public sealed class KafkaProxyServiceCollectionExtensionsTests
{
    private static void MapOneBroker(KafkaProxyOptions options) => options.Brokers.Add(BrokerMapping.Parse("127.0.0.1:1,127.0.0.1:0"));

    private static IHost BuildHost(Action<KafkaProxyOptions> configure) =>
        new HostBuilder().ConfigureServices(services => services.AddKafkaProxy(configure)).Build();

    [Fact]
    public void AddKafkaProxy_CalledTwice_RegistersEngineHostedServiceAndValidatorOnce()
    {
        var services = new ServiceCollection();

        services.AddKafkaProxy();
        services.AddKafkaProxy();

        var engine = Assert.Single(services, d => d.ServiceType == typeof(ProxyEngine));
        Assert.Equal(ServiceLifetime.Singleton, engine.Lifetime);
        var hosted = Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Equal(typeof(ProxyEngineHostedService), hosted.ImplementationType);
        Assert.Equal(ServiceLifetime.Singleton, hosted.Lifetime);
        var validator = Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<KafkaProxyOptions>));
        Assert.Equal(typeof(KafkaProxyOptionsValidator), validator.ImplementationType);
    }

    [Fact]
    public void AddKafkaProxy_CalledTwiceInAHost_StartsOneHostedService()
    {
        using var host = new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddKafkaProxy(MapOneBroker);
                services.AddKafkaProxy();
            })
            .Build();

        Assert.Single(host.Services.GetServices<IHostedService>().OfType<ProxyEngineHostedService>());
    }

    [Fact]
    public void AddKafkaProxy_Always_ReturnsABuilderOverTheSameServices()
    {
        var services = new ServiceCollection();

        var builder = services.AddKafkaProxy();

        Assert.Same(services, builder.Services);
    }

    [Fact]
    public void AddKafkaProxy_NullServices_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>("services", () => KafkaProxyServiceCollectionExtensions.AddKafkaProxy(null!));
    }

    [Fact]
    public void AddKafkaProxy_CalledTwiceWithConfigure_AppliesBothInOrder()
    {
        var services = new ServiceCollection();
        services.AddKafkaProxy(o => { MapOneBroker(o); o.MaxConnections = 5; });
        services.AddKafkaProxy(o => o.MaxConnections = 7);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<KafkaProxyOptions>>().Value;

        Assert.Single(options.Brokers);
        Assert.Equal(7, options.MaxConnections);
    }

    [Fact]
    public async Task AddKafkaProxy_EngineAlreadyRegistered_KeepsTheExistingRegistration()
    {
        var services = new ServiceCollection();
        var options = new KafkaProxyOptions();
        MapOneBroker(options);
        await using var mine = new ProxyEngine(options);
        services.AddSingleton(mine);

        services.AddKafkaProxy();
        await using var provider = services.BuildServiceProvider();

        Assert.Same(mine, provider.GetRequiredService<ProxyEngine>());
    }

    [Fact]
    public async Task AddKafkaProxy_WithoutLoggingOrMetrics_ResolvesOneEngine()
    {
        var services = new ServiceCollection();
        services.AddKafkaProxy(MapOneBroker);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var engine = provider.GetRequiredService<ProxyEngine>();

        Assert.Same(engine, provider.GetRequiredService<ProxyEngine>());
        Assert.Empty(engine.Listeners);
    }

    [Fact]
    public void AddKafkaProxy_InAHost_EngineCreatesItsMeterFromTheHostsFactory()
    {
        using var host = BuildHost(MapOneBroker);
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        var meters = new HashSet<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Scope == factory)
                {
                    lock (meters)
                    {
                        meters.Add(instrument.Meter.Name);
                    }
                }
            },
        };
        listener.Start();

        _ = host.Services.GetRequiredService<ProxyEngine>();

        Assert.Equal([ProxyMetrics.MeterName], meters);
    }

    [Fact]
    public void StartupValidator_InvalidOptions_ThrowsWithEveryMessage()
    {
        var services = new ServiceCollection();
        services.AddKafkaProxy(o => { o.MaxConnections = 0; o.DialTimeout = TimeSpan.Zero; });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(typeof(KafkaProxyOptions), error.OptionsType);
        Assert.Collection(
            error.Failures,
            f => Assert.StartsWith("KafkaProxy:Brokers: no broker is mapped", f, StringComparison.Ordinal),
            f => Assert.StartsWith("KafkaProxy:MaxConnections is 0", f, StringComparison.Ordinal),
            f => Assert.StartsWith("KafkaProxy:DialTimeout is 00:00:00", f, StringComparison.Ordinal));
        Assert.Contains("KafkaProxy:Brokers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StartupValidator_ValidOptions_DoesNotThrow()
    {
        var services = new ServiceCollection();
        services.AddKafkaProxy(MapOneBroker);
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void OptionsValue_InvalidOptions_ThrowsOnFirstRead()
    {
        var services = new ServiceCollection();
        services.AddKafkaProxy(o => o.Brokers.Add(BrokerMapping.Parse("b:1,0.0.0.0:5")));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<KafkaProxyOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("listens on 0.0.0.0, which clients cannot connect to", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostStart_InvalidOptions_FailsWithTheMessages()
    {
        using var host = BuildHost(o => o.MaxConnections = 0);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.StartsWith("KafkaProxy:Brokers: no broker is mapped", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("KafkaProxy:MaxConnections is 0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostStart_ValidOptions_EngineListensAndStopsWithTheHost()
    {
        using var host = BuildHost(MapOneBroker);

        await host.StartAsync();
        var listener = Assert.Single(host.Services.GetRequiredService<ProxyEngine>().Listeners);
        await host.StopAsync();

        Assert.NotEqual(0, listener.LocalEndPoint.Port);
        Assert.Equal(listener.LocalEndPoint.Port, listener.Advertised.Port);
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(listener.LocalEndPoint));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }
}
