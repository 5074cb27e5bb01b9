using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KafkaProxy.Core.Tests.DependencyInjection;

public sealed class AddKafkaProxyTests
{
    [Fact]
    public void AddKafkaProxy_CalledTwice_RegistersOneEngineAndOneHostedService()
    {
        var services = new ServiceCollection();

        var builder = services.AddKafkaProxy();
        services.AddKafkaProxy();

        Assert.Same(services, builder.Services);
        Assert.Single(services, d => d.ServiceType == typeof(ProxyEngine));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
    }

    [Fact]
    public async Task HostStart_InvalidOptions_FailsBeforeServingWithTheMessage()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddKafkaProxy(o => o.MaxConnections = 0);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("No broker is mapped", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("MaxConnections (--max-connections) is 0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostStart_ValidOptions_EngineListensAndStopsWithTheHost()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddKafkaProxy(o => o.Brokers.Add(BrokerMapping.Parse("127.0.0.1:1,127.0.0.1:0")));
        using var host = builder.Build();

        await host.StartAsync();
        var listener = Assert.Single(host.Services.GetRequiredService<ProxyEngine>().Listeners);
        await host.StopAsync();

        Assert.NotEqual(0, listener.LocalEndPoint.Port);
        Assert.Equal(listener.LocalEndPoint.Port, listener.Advertised.Port);
    }
}
