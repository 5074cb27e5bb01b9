using System.Diagnostics;
using Confluent.Kafka;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;
using KafkaProxy.Testing.Sasl;
using Microsoft.Extensions.Time.Testing;

namespace KafkaProxy.IntegrationTests.Security;

/// <summary>
/// KIP-368 re-authentication on long-lived connections, against a front that closes any connection whose session
/// expired without a re-authentication.
/// </summary>
public sealed class ReauthenticationTests
{
    // Re-authenticate half-way through a 4 s session. An idle connection is woken for it by the engine's deadline
    // timer, which ticks once a second, so the re-authentication starts between 2 and 3 s: at least a second of margin
    // for a busy test machine (with 2 s sessions a loaded CI run once missed it).
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(4);

    private static async Task<(KafkaTestCluster Cluster, SaslFront Front, ProxyInFront Proxy, SaslFrontOptions Options)> StartAsync(string mechanism)
    {
        var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        var options = new SaslFrontOptions { SessionLifetime = Lifetime };
        options.Users["proxy-user"] = "proxy-password";
        var front = SaslFront.Start(cluster.Brokers[0].Host, cluster.Brokers[0].Port, options);
        cluster.SetAdvertisedAddress(1, front.Host, front.Port);
        var proxy = await ProxyInFront.StartAsync(new TestBroker(1, front.Host, front.Port), front.Address, o =>
        {
            o.UpstreamSasl.Enabled = true;
            o.UpstreamSasl.Mechanism = mechanism;
            o.UpstreamSasl.Username = "proxy-user";
            o.UpstreamSasl.Password = "proxy-password";
            o.UpstreamSasl.ReauthenticateAt = 0.5;
        });
        return (cluster, front, proxy, options);
    }

    [Theory]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("PLAIN")]
    public async Task ProducerAndConsumerStreamingForSeveralLifetimes_ReauthenticateInBand_AndLoseNothing(string mechanism)
    {
        var (cluster, front, proxy, _) = await StartAsync(mechanism);
        await using var clusterScope = cluster;
        await using var frontScope = front;
        await using var proxyScope = proxy;
        cluster.CreateTopic("stream", partitions: 2);
        using var producer = Clients.Producer(proxy.Bootstrap);
        using var consumer = Clients.Consumer(proxy.Bootstrap, "live-readers");
        consumer.Subscribe("stream");

        // Produce in bursts (many requests in flight) and consume at the same time (Fetch requests waiting at the
        // broker) until the proxy re-authenticated well beyond a few session lifetimes.
        int sent = 0;
        var received = new List<string>();
        var clock = Stopwatch.StartNew();
        while (front.Reauthentications < 8)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{front.Reauthentications} re-authentications, {front.ExpiredSessions} expired sessions\n{proxy.Logs}");
            for (int i = 0; i < 100; i++)
            {
                producer.Produce("stream", new Message<string, string> { Key = $"k{sent % 5}", Value = $"v{sent}" });
                sent++;
            }

            Assert.Equal(0, producer.Flush(Clients.Patience));

            if (consumer.Consume(TimeSpan.FromMilliseconds(50)) is { Message: not null } record)
            {
                received.Add(record.Message.Value);
            }
        }

        Assert.Equal(0, producer.Flush(Clients.Patience));
        received.AddRange(Clients.Consume(consumer, sent - received.Count).Select(r => r.Message.Value));

        Assert.True(front.ExpiredSessions == 0 && front.Refusals == 0, $"{front.ExpiredSessions} expired sessions, {front.Refusals} refusals\n{proxy.Logs}");
        Assert.Equal(sent, received.Distinct().Count());
        Assert.Equal(sent, received.Count);
        Assert.Contains(proxy.Logs.Lines, l => l.StartsWith("Debug 1014 ", StringComparison.Ordinal));
        // 2003: PLAIN without TLS, as set up; 1022: MaxConnections lowered to what the machine's descriptor limit holds.
        Assert.DoesNotContain(proxy.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && !l.Contains(" 2003 ", StringComparison.Ordinal) && !l.Contains(" 1022 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IdleClient_IsReauthenticatedWhileSilent_AndItsNextRequestIsAnswered()
    {
        var (cluster, front, proxy, _) = await StartAsync("SCRAM-SHA-512");
        await using var clusterScope = cluster;
        await using var frontScope = front;
        await using var proxyScope = proxy;
        await using var client = await RawKafkaClient.ConnectAsync(proxy.Listener.Host, proxy.Listener.Port);
        await client.SendAsync(18, 0, flexible: false, _ => { });

        var clock = Stopwatch.StartNew();
        while (front.Reauthentications < 2)
        {
            Assert.True(clock.Elapsed < Clients.Patience, $"{front.Reauthentications} re-authentications\n{proxy.Logs}");
            await Task.Delay(50);
        }

        byte[] body = await client.SendAsync(18, 0, flexible: false, _ => { });
        Assert.Equal(0, body[0] << 8 | body[1]);
        Assert.Equal(0, front.ExpiredSessions);
    }

    [Fact]
    public async Task IdleClient_OnAFakeClock_IsReauthenticatedWhenTheFractionOfTheLifetimePasses_NotBefore()
    {
        // The front grants an hour (real time, so it never expires here); the proxy re-authenticates at half of it on
        // its own clock, which the test moves.
        var time = new FakeTimeProvider();
        await using var cluster = await KafkaTestCluster.StartAsync(brokers: 1);
        var frontOptions = new SaslFrontOptions { SessionLifetime = TimeSpan.FromHours(1) };
        frontOptions.Users["proxy-user"] = "proxy-password";
        await using var front = SaslFront.Start(cluster.Brokers[0].Host, cluster.Brokers[0].Port, frontOptions);
        cluster.SetAdvertisedAddress(1, front.Host, front.Port);
        await using var proxy = await ProxyInFront.StartAsync(new TestBroker(1, front.Host, front.Port), front.Address, o =>
        {
            o.UpstreamSasl.Enabled = true;
            o.UpstreamSasl.Mechanism = "SCRAM-SHA-256";
            o.UpstreamSasl.Username = "proxy-user";
            o.UpstreamSasl.Password = "proxy-password";
            o.UpstreamSasl.ReauthenticateAt = 0.5;
            o.IdleTimeout = TimeSpan.FromHours(2);
            // The clock jumps 30 minutes: a flush still being stamped when it jumps would look blocked that long.
            o.WriteTimeout = TimeSpan.Zero;
        }, time);
        await using var client = await RawKafkaClient.ConnectAsync(proxy.Listener.Host, proxy.Listener.Port);
        await client.SendAsync(18, 0, flexible: false, _ => { });

        time.Advance(TimeSpan.FromMinutes(30) - TimeSpan.FromSeconds(1));
        await client.SendAsync(18, 0, flexible: false, _ => { }); // checked for a due re-authentication before it is forwarded
        Assert.Equal(0, front.Reauthentications);

        time.Advance(TimeSpan.FromSeconds(2)); // the engine's next tick wakes the idle connection
        await Eventually.TrueAsync(() => front.Reauthentications == 1, () => $"{front.Reauthentications} re-authentications\n{proxy.Logs}");
        byte[] body = await client.SendAsync(18, 0, flexible: false, _ => { });
        Assert.Equal(0, body[0] << 8 | body[1]);
        Assert.Equal(1, front.Reauthentications);
    }

    [Fact]
    public async Task ReauthenticationRefused_ClosesTheConnectionAndSaysWhy()
    {
        var (cluster, front, proxy, options) = await StartAsync("PLAIN");
        await using var clusterScope = cluster;
        await using var frontScope = front;
        await using var proxyScope = proxy;
        await using var client = await RawKafkaClient.ConnectAsync(proxy.Listener.Host, proxy.Listener.Port);
        await client.SendAsync(18, 0, flexible: false, _ => { });

        options.Users["proxy-user"] = "rotated-password";

        string line = await proxy.WaitForLogAsync("re-authentication with the broker failed");
        Assert.Contains("Invalid username or password", line, StringComparison.Ordinal);
        Assert.Equal(1, proxy.Metrics.Sum("proxy_upstream_security_failures_total", ("stage", "sasl")));
        await Assert.ThrowsAnyAsync<IOException>(() => client.SendAsync(18, 0, flexible: false, _ => { }));
    }
}
