using KafkaProxy.IntegrationTests.Security;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;
using KafkaProxy.Testing.Sasl;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace KafkaProxy.IntegrationTests.Diagnostics;

/// <summary>
/// Each component logs under its own category, so that Debug can be turned on for one alone. The scenario makes Debug
/// lines in two components: a connection opened (1003, connections) and a re-authentication with the broker (1014,
/// upstream security).
/// </summary>
public sealed class LogCategoryTests
{
    [Theory]
    [InlineData("KafkaProxy.Security", 1014, 1003)]
    [InlineData("KafkaProxy.Security.Upstream", 1014, 1003)]
    [InlineData("KafkaProxy.Proxy.Connections", 1003, 1014)]
    public async Task DebugForOneCategory_ShowsThatComponentsDebugLines_AndNotAnothers(string category, int shown, int hidden)
    {
        var filter = new LoggerFilterOptions { MinLevel = LogLevel.Information };
        filter.Rules.Add(new LoggerFilterRule(providerName: null, category, LogLevel.Debug, filter: null));
        var logs = await ReauthenticateOnceAsync(filter);

        Assert.Contains(logs.Events, e => e.EventId == shown && e.Level == LogLevel.Debug);
        Assert.DoesNotContain(logs.Events, e => e.EventId == hidden);
        Assert.DoesNotContain(logs.Events, e => e.Level == LogLevel.Debug && !e.Category.StartsWith(category, StringComparison.Ordinal));
        Assert.Contains(logs.Events, e => e.Level == LogLevel.Information); // other categories still log at their level
    }

    [Fact]
    public async Task EveryComponent_LogsUnderItsOwnCategory()
    {
        var logs = await ReauthenticateOnceAsync(new LoggerFilterOptions { MinLevel = LogLevel.Trace });

        var categories = logs.Events.GroupBy(e => e.EventId).ToDictionary(g => g.Key, g => Assert.Single(g.Select(e => e.Category).Distinct()));
        Assert.Equal("KafkaProxy.Proxy.Listeners", categories[1001]);
        Assert.Equal("KafkaProxy.Proxy.Connections", categories[1003]);
        Assert.Equal("KafkaProxy.Security.Upstream", categories[1014]);
        Assert.Equal("KafkaProxy.Security.Upstream", categories[2003]); // SASL PLAIN without TLS
        Assert.Equal("KafkaProxy.Proxy.Engine", categories[1010]);
    }

    // A proxy that authenticates to a SASL front, one client connection, and one re-authentication on a fake clock; the
    // engine is stopped (and has drained) when this returns.
    private static async Task<CapturingLoggerProvider> ReauthenticateOnceAsync(LoggerFilterOptions filter)
    {
        var time = new FakeTimeProvider();
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        var frontOptions = new SaslFrontOptions { SessionLifetime = TimeSpan.FromHours(1) };
        frontOptions.Users["proxy-user"] = "proxy-password";
        await using var front = SaslFront.Start(cluster.Brokers[0].Host, cluster.Brokers[0].Port, frontOptions);
        cluster.SetAdvertisedAddress(1, front.Host, front.Port);
        var proxy = await ProxyInFront.StartAsync(new TestBroker(1, front.Host, front.Port), front.Address, o =>
        {
            o.UpstreamSasl.Enabled = true;
            o.UpstreamSasl.Mechanism = "PLAIN";
            o.UpstreamSasl.Username = "proxy-user";
            o.UpstreamSasl.Password = "proxy-password";
            o.UpstreamSasl.ReauthenticateAt = 0.5;
            o.IdleTimeout = TimeSpan.FromHours(2);
            // The clock jumps 31 minutes: a flush still being stamped when it jumps would look blocked that long.
            o.WriteTimeout = TimeSpan.Zero;
        }, time, filter);
        await using (proxy)
        {
            await using var client = await RawKafkaClient.ConnectAsync(proxy.Listener.Host, proxy.Listener.Port);
            await client.SendAsync(18, 0, flexible: false, _ => { });
            time.Advance(TimeSpan.FromMinutes(31));
            await Eventually.TrueAsync(() => front.Reauthentications == 1, () => $"{front.Reauthentications} re-authentications\n{proxy.Logs}");
            await client.SendAsync(18, 0, flexible: false, _ => { });
        }

        return proxy.Logs;
    }
}
