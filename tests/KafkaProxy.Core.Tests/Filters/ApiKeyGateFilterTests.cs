using System.Buffers;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Filters;
using KafkaProxy.Core.Proxy;
using KafkaProxy.Protocol.Headers;

namespace KafkaProxy.Core.Tests.Filters;

public sealed class ApiKeyGateFilterTests
{
    private sealed class Everything : IKafkaRequestFilter
    {
        public string Name => "everything";

        public List<short> Seen { get; } = [];

        public bool WantsRequest(short apiKey, short apiVersion) => true;

        public ValueTask OnRequestAsync(KafkaRequest request, CancellationToken cancellationToken)
        {
            Seen.Add(request.ApiKey);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task SettingsWithForbiddenKeys_GateRunsFirstAndClosesWithItsReason_OtherFiltersNeverSeeIt()
    {
        var options = new KafkaProxyOptions();
        options.ForbiddenApiKeys.Add(20);
        var user = new Everything();
        var chains = ReloadableSettings.From(options, options, [], [user]).Filters;
        var request = Request(apiKey: 20);

        await chains.RunAsync(request, new FilterDeadline(TimeProvider.System), TimeSpan.FromSeconds(10));

        Assert.Equal(RequestDecision.Close, request.Decision);
        Assert.Equal("api-key-gate", request.DecidedBy);
        Assert.Equal("forbidden", request.BuiltInRefusal);
        Assert.Equal("the client sent DeleteTopics (api key 20), which KafkaProxy:ForbiddenApiKeys refuses", request.CloseReason);
        Assert.Empty(user.Seen);
    }

    [Fact]
    public void NewForbiddenKeys_NewSettingsWantThem_TheRunningOnesDoNot()
    {
        var running = new KafkaProxyOptions();
        var next = new KafkaProxyOptions();
        next.ForbiddenApiKeys.Add(3);

        var before = ReloadableSettings.From(running, running, [], []).Filters;
        var after = ReloadableSettings.From(running, next, [], []).Filters;

        Assert.False(before.Requests.Wants(3, 12));
        Assert.True(after.Requests.Wants(3, 12));
        Assert.False(after.Requests.Wants(0, 9)); // everything else still streams through
    }

    [Fact]
    public void UpstreamSasl_ClientsSaslRequestsWanted()
    {
        var options = new KafkaProxyOptions();
        options.UpstreamSasl.Enabled = true;

        var chains = ReloadableSettings.From(options, options, [], []).Filters;

        Assert.True(chains.Requests.Wants((short)ApiKey.SaslHandshake, 1));
        Assert.True(chains.Requests.Wants((short)ApiKey.SaslAuthenticate, 2));
        Assert.False(chains.Requests.Wants((short)ApiKey.Metadata, 12));
    }

    private static KafkaRequest Request(short apiKey) =>
        new(new RequestHeader(apiKey, 0, 7), "test", ReadOnlySequence<byte>.Empty, ReadOnlySequence<byte>.Empty, expectsResponse: true,
            new KafkaConnectionInfo(1, null, HostPort.Parse("broker:9092"), null));
}
