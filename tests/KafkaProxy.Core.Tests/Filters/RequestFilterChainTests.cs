using KafkaProxy.Core.Filters;

namespace KafkaProxy.Core.Tests.Filters;

public sealed class RequestFilterChainTests
{
    private sealed class Wanting(Func<short, short, bool> wants) : IKafkaRequestFilter
    {
        public string Name => "wanting";

        public bool WantsRequest(short apiKey, short apiVersion) => wants(apiKey, apiVersion);

        public ValueTask OnRequestAsync(KafkaRequest request, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    [Fact]
    public void Wants_NoFilter_NothingIsWanted()
    {
        Assert.True(RequestFilterChain.Empty.IsEmpty);
        Assert.False(RequestFilterChain.Empty.Wants(0, 9));
    }

    [Theory]
    [InlineData(0, 9, true)]
    [InlineData(0, 62, true)]
    [InlineData(0, 63, true)]
    [InlineData(0, 200, true)]     // newer than any version the proxy knows: a filter that wants every version still sees it
    [InlineData(0, -1, false)]     // malformed
    [InlineData(1, 9, false)]
    [InlineData(127, 0, false)]
    [InlineData(128, 0, false)]    // beyond the table: a key no filter can know
    [InlineData(-5, 0, false)]
    public void Wants_ProduceOfEveryVersion_TableAnswersPerKeyAndVersion(short apiKey, short apiVersion, bool expected)
    {
        var chain = RequestFilterChain.Create([new Wanting((key, _) => key == 0)]);

        Assert.Equal(expected, chain.Wants(apiKey, apiVersion));
    }

    [Fact]
    public void Wants_AVersionRange_VersionsAboveTheTableFollowTheNewest()
    {
        var chain = RequestFilterChain.Create([new Wanting((key, version) => key == 3 && version is >= 4 and <= 12)]);

        Assert.False(chain.Wants(3, 3));
        Assert.True(chain.Wants(3, 4));
        Assert.True(chain.Wants(3, 12));
        Assert.False(chain.Wants(3, 13));
        Assert.False(chain.Wants(3, 100));
    }
}
