using KafkaProxy.Core.Filters;

namespace KafkaProxy.Core.Tests.Filters;

public sealed class FilterChainsTests
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
        var none = FilterChains.Create([]);

        Assert.False(none.Requests.Wants(0, 9));
        Assert.False(none.Responses.Wants(0, 9));
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
        var chain = FilterChains.Create([new Wanting((key, _) => key == 0)]).Requests;

        Assert.Equal(expected, chain.Wants(apiKey, apiVersion));
    }

    [Fact]
    public void Wants_AVersionRange_VersionsAboveTheTableFollowTheNewest()
    {
        var chain = FilterChains.Create([new Wanting((key, version) => key == 3 && version is >= 4 and <= 12)]).Requests;

        Assert.False(chain.Wants(3, 3));
        Assert.True(chain.Wants(3, 4));
        Assert.True(chain.Wants(3, 12));
        Assert.False(chain.Wants(3, 13));
        Assert.False(chain.Wants(3, 100));
    }

    [Fact]
    public void OnlyWanter_OneFilterWantsTheFrame_IsThatFilter_SeveralOrNone_IsNull()
    {
        var fetchOnly = new Wanting((key, version) => key == 1 && version >= 16);
        var fetchAndMetadata = new Wanting((key, _) => key is 1 or 3);
        var chain = FilterChains.Create([fetchOnly, fetchAndMetadata]).Requests;

        Assert.Null(chain.OnlyWanter(1, 16));           // both
        Assert.Same(fetchAndMetadata, chain.OnlyWanter(1, 15));
        Assert.Same(fetchAndMetadata, chain.OnlyWanter(3, 12));
        Assert.Null(chain.OnlyWanter(0, 9));            // neither
        Assert.Same(fetchOnly, FilterChains.Create([fetchOnly]).Requests.OnlyWanter(1, 200));
    }

    private sealed class Both : IKafkaRequestFilter, IKafkaResponseFilter
    {
        public string Name => "both";

        public bool WantsRequest(short apiKey, short apiVersion) => apiKey == 0;

        public bool WantsResponse(short apiKey, short apiVersion) => apiKey == 3;

        public ValueTask OnRequestAsync(KafkaRequest request, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask OnResponseAsync(KafkaResponse response, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private sealed class Neither : IKafkaFilter
    {
        public string Name => "neither";
    }

    [Fact]
    public void Create_AFilterOfBothDirections_JoinsEachChainWithItsOwnInterest()
    {
        var chains = FilterChains.Create([new Both()]);

        Assert.True(chains.Requests.Wants(0, 9));
        Assert.False(chains.Requests.Wants(3, 12));
        Assert.True(chains.Responses.Wants(3, 12));
        Assert.False(chains.Responses.Wants(0, 9));
    }

    [Fact]
    public void Create_AFilterOfNeitherDirection_RefusedNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => FilterChains.Create([new Neither()]));

        Assert.Contains("filter 'neither'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("would never run", ex.Message, StringComparison.Ordinal);
    }
}
