using System.Buffers.Binary;
using System.Collections.Concurrent;
using KafkaProxy.Core.Filters;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.IntegrationTests.Filters;

/// <summary>
/// Connection filters through real sockets: turns between a connection's requests on the filter's own schedule, with
/// requests of the filter's own to the broker, on a busy connection and on a silent one; a failing turn closes only its
/// connection. (Re-authentication, the proxy's own connection filter, is driven in Security/ReauthenticationTests.)
/// </summary>
public sealed class ConnectionFilterTests
{
    private const short Metadata = 3;
    private const short ApiVersions = 18;

    [Fact]
    public async Task TurnsOnASchedule_RealProducerAndConsumerKeepWorking_EachTurnGetsTheBrokersAnswer()
    {
        var polling = new PollingFilter("poll", TimeSpan.FromMilliseconds(100), turns: 3);
        await using var proxied = await ProxiedCluster.StartAsync(filters: [polling]);

        RoundTrip.ProduceAndConsume(proxied, "orders", 300, "connection-filter");

        await Eventually.TrueAsync(() => polling.Answers.Count >= 3, () => $"{polling.Answers.Count} turns answered");
        // ApiVersions v0 from the broker: error code 0, then its api keys.
        Assert.All(polling.Answers, a => Assert.Equal((short)0, a.ErrorCode));
        Assert.All(polling.Answers, a => Assert.True(a.ApiKeys > 10, $"{a.ApiKeys} api keys"));
    }

    [Fact]
    public async Task SilentClient_TurnsStillCome_AndItsNextRequestIsAnsweredInOrder()
    {
        var polling = new PollingFilter("poll", TimeSpan.FromMilliseconds(50), turns: 2);
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, filters: [polling]);
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        // The client sends nothing: the proxy wakes the request pump for the turns.
        await Eventually.TrueAsync(() => polling.Answers.Count >= 2, () => $"{polling.Answers.Count} turns answered on a silent connection");
        byte[] body = await raw.SendAsync(ApiVersions, 0, flexible: false, _ => { });

        Assert.Equal(0, BinaryPrimitives.ReadInt16BigEndian(body));
        Assert.Equal(2, polling.Answers.Count);
    }

    [Fact]
    public async Task TurnThrows_OnlyItsConnectionCloses_LoggedWithTheFiltersName()
    {
        var failing = new PollingFilter("flaky", TimeSpan.Zero, turns: 1, fail: true);
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, filters: [failing]);
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        var refused = await Record.ExceptionAsync(() => raw.SendAsync(Metadata, 1, flexible: false, w => KafkaWriter.WriteInt32(w, -1)));

        Assert.True(refused is EndOfStreamException or IOException, $"expected a closed connection, got {refused}");
        string line = await proxied.Logs.WaitForLineAsync("filter 'flaky' failed on its turn between requests");
        Assert.Contains("InvalidDataException: a bug in the turn", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TurnRunsPastTheFilterTimeout_ItsConnectionCloses_LoggedWithTheFiltersName()
    {
        var stalling = new PollingFilter("stuck", TimeSpan.Zero, turns: 1, stall: true);
        await using var proxied = await ProxiedCluster.StartAsync(brokers: 1, configure: o => o.FilterTimeout = TimeSpan.FromMilliseconds(500), filters: [stalling]);
        var listener = proxied.Engine.Listeners[0].Advertised;
        await using var raw = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);

        var refused = await Record.ExceptionAsync(() => raw.SendAsync(Metadata, 1, flexible: false, w => KafkaWriter.WriteInt32(w, -1)));

        Assert.True(refused is EndOfStreamException or IOException, $"expected a closed connection, got {refused}");
        await proxied.Logs.WaitForLineAsync("filter 'stuck' failed on its turn between requests: it did not finish within 00:00:00.5000000 (KafkaProxy:FilterTimeout)");
    }

    /// <summary>Asks for a turn every <paramref name="every"/>, up to <paramref name="turns"/> per connection; each sends ApiVersions v0 to the broker.</summary>
    private sealed class PollingFilter(string name, TimeSpan every, int turns, bool fail = false, bool stall = false) : IKafkaConnectionFilter
    {
        private readonly ConcurrentDictionary<long, int> _turnsTaken = new();

        public string Name => name;

        public ConcurrentQueue<(short ErrorCode, int ApiKeys)> Answers { get; } = new();

        public DateTimeOffset? OnConnectionStarted(KafkaConnectionInfo connection) => DateTimeOffset.UtcNow + every;

        public async ValueTask<DateTimeOffset?> OnTurnAsync(KafkaConnectionTurn turn, CancellationToken cancellationToken)
        {
            if (fail)
            {
                throw new InvalidDataException("a bug in the turn");
            }

            if (stall)
            {
                // Ignores its token, as a stuck filter would: the deadline still ends the wait.
                await Task.Delay(Timeout.InfiniteTimeSpan, CancellationToken.None);
            }

            var answer = await turn.SendToBrokerAsync(ApiVersions, 0, ReadOnlyMemory<byte>.Empty, cancellationToken);
            Answers.Enqueue((BinaryPrimitives.ReadInt16BigEndian(answer.Span), BinaryPrimitives.ReadInt32BigEndian(answer.Span[2..])));
            int taken = _turnsTaken.AddOrUpdate(turn.Connection.Id, 1, (_, n) => n + 1);
            return taken < turns ? DateTimeOffset.UtcNow + every : null;
        }
    }
}
