using Confluent.Kafka;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Security;
using KafkaProxy.IntegrationTests.Security;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Protocol.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace KafkaProxy.IntegrationTests.Proxy;

/// <summary>Settings changed on a running engine, seen by connections that were already open.</summary>
public sealed class ReconfigureTests
{
    private readonly FakeTimeProvider _time = new();

    private static Task<byte[]> MetadataAsync(RawKafkaClient client) => client.SendAsync(3, 1, false, b => b.WriteArrayLength(-1, compact: false));

    [Fact]
    public async Task ForbiddenApiKeyAddedAtRuntime_RefusesTheNextSuchRequestOnAnOpenConnection()
    {
        await using var proxied = await ProxiedCluster.StartAsync();
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var open = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        await MetadataAsync(open);

        var next = proxied.OptionsAsStarted();
        next.ForbiddenApiKeys.Add(3);
        var restart = proxied.Engine.Reconfigure(next);

        Assert.Empty(restart);
        await open.SendAsync(18, 0, false, _ => { }); // other keys still pass
        var error = await Record.ExceptionAsync(() => MetadataAsync(open));
        Assert.True(error is IOException or EndOfStreamException, $"expected the connection to close, got {error?.ToString() ?? "an answer"}\n{proxied.Logs}");
        await proxied.Logs.WaitForLineAsync("the client sent Metadata (api key 3), which KafkaProxy:ForbiddenApiKeys refuses");
        Assert.Contains(proxied.Logs.Lines, l => l.StartsWith("Information 1017 ", StringComparison.Ordinal) && l.EndsWith(": ForbiddenApiKeys", StringComparison.Ordinal));

        // And when it is allowed again, a new connection may send it.
        proxied.Engine.Reconfigure(proxied.OptionsAsStarted());
        await using var later = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        await MetadataAsync(later);
    }

    [Fact]
    public async Task IdleTimeoutShortenedAtRuntime_ClosesAnIdleOpenConnection()
    {
        await using var proxied = await ProxiedCluster.StartAsync(time: _time);
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var client = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        await client.SendAsync(18, 0, false, _ => { });
        _time.Advance(TimeSpan.FromSeconds(30));
        await client.SendAsync(18, 0, false, _ => { }); // open under the default 10 minutes

        var next = proxied.OptionsAsStarted();
        next.IdleTimeout = TimeSpan.FromSeconds(5);
        Assert.Empty(proxied.Engine.Reconfigure(next));
        _time.Advance(TimeSpan.FromSeconds(6));

        await Eventually.TrueAsync(() => proxied.Engine.OpenConnections == 0, () => $"{proxied.Engine.OpenConnections} open\n{proxied.Logs}");
        Assert.Contains(proxied.Logs.Lines, l => l.Contains("idle for 00:00:05 (IdleTimeout)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BrokersChanged_ReportedAsNeedingARestart_AndNothingElseChanges()
    {
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 2, configure: o => o.DynamicListeners.Enabled = false);
        var listeners = proxied.Engine.Listeners;
        var listener = listeners[0].Advertised;
        await using var open = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        await open.SendAsync(18, 0, false, _ => { });

        var next = proxied.OptionsAsStarted();
        var second = proxied.Cluster.Brokers[1];
        next.Brokers.Add(new BrokerMapping { Upstream = new HostPort(second.Host, second.Port), Listen = new HostPort("127.0.0.1", 0) });
        var restart = proxied.Engine.Reconfigure(next);

        Assert.Equal(["Brokers"], restart);
        Assert.Equal(listeners, proxied.Engine.Listeners);
        string line = Assert.Single(proxied.Logs.Lines, l => l.Contains(" 1018 ", StringComparison.Ordinal));
        Assert.Equal("Warning 1018 Changed settings that need a restart to take effect (until then the running values stay): Brokers", line);
        Assert.DoesNotContain(proxied.Logs.Lines, l => l.Contains(" 1017 ", StringComparison.Ordinal));
        await open.SendAsync(18, 0, false, _ => { });
        // The new broker got no listener: with dynamic listeners off, a response naming it is still refused.
        await Assert.ThrowsAnyAsync<Exception>(() => MetadataAsync(open));
        Assert.Contains(proxied.Logs.Lines, l => l.Contains($"Broker {second.Host}:{second.Port} appears in a response but has no KafkaProxy:Brokers", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CredentialsFileChangedAtRuntime_NewConnectionsAuthenticateAgainstTheNewFile()
    {
        await using var proxy = await AuthenticatingProxy.StartAsync(time: _time);
        string other = Path.Combine(Path.GetDirectoryName(proxy.CredentialsFile)!, "other-users.txt");
        await File.WriteAllLinesAsync(other, ClientCredentialFile.CreateLines("bob", "bob-password", iterations: 4096));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(other, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var next = new KafkaProxyOptions();
        foreach (var broker in proxy.Options.Brokers)
        {
            next.Brokers.Add(broker);
        }

        next.ClientAuth.Enabled = true;
        next.ClientAuth.CredentialsFile = other;
        Assert.Empty(proxy.Engine.Reconfigure(next));
        _time.Advance(TimeSpan.FromSeconds(2)); // the file is looked at again at most once a second

        var bob = new AdminClientConfig { BootstrapServers = proxy.Bootstrap, SocketTimeoutMs = 10000 };
        AuthenticatingProxy.Authenticate(bob, "SCRAM-SHA-512", "bob", "bob-password");
        using (var admin = new AdminClientBuilder(bob).Build())
        {
            Assert.NotEmpty(admin.GetMetadata(Clients.Patience).Brokers);
        }

        Assert.Contains(proxy.Logs.Lines, l => l.StartsWith("Information 2009 ", StringComparison.Ordinal) && l.Contains(other, StringComparison.Ordinal));
        Assert.Contains(proxy.Logs.Lines, l => l.StartsWith("Information 1017 ", StringComparison.Ordinal) && l.Contains("ClientAuth:CredentialsFile", StringComparison.Ordinal));
    }
}
