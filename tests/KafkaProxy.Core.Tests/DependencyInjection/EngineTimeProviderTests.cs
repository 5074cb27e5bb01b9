using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace KafkaProxy.Core.Tests.DependencyInjection;

public sealed class EngineTimeProviderTests
{
    private static void MapOneBroker(KafkaProxyOptions options) => options.Brokers.Add(BrokerMapping.Parse("127.0.0.1:1,127.0.0.1:0"));

    [Fact]
    public async Task AddKafkaProxy_NoTimeProviderRegistered_EngineRunsOnTheSystemClock()
    {
        await using var services = new ServiceCollection().AddLogging().AddKafkaProxy(MapOneBroker).Services.BuildServiceProvider();

        Assert.Same(TimeProvider.System, services.GetRequiredService<TimeProvider>());
        Assert.Same(TimeProvider.System, services.GetRequiredService<ProxyEngine>().TimeProvider);
    }

    [Fact]
    public async Task AddKafkaProxy_TimeProviderRegisteredBefore_EngineUsesIt()
    {
        var fake = new FakeTimeProvider();
        var collection = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(fake);
        await using var services = collection.AddKafkaProxy(MapOneBroker).Services.BuildServiceProvider();

        Assert.Same(fake, services.GetRequiredService<ProxyEngine>().TimeProvider);
    }

    [Fact]
    public async Task ProxyEngine_NoTimeProviderGiven_RunsOnTheSystemClock()
    {
        var options = new KafkaProxyOptions();
        MapOneBroker(options);
        await using var engine = new ProxyEngine(options);

        Assert.Same(TimeProvider.System, engine.TimeProvider);
    }
}
