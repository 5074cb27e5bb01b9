using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Rewriting;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Rewriting;

public sealed class ResponseRewriterTests
{
    public static TheoryData<short> MetadataVersions => new(Enumerable.Range(0, 14).Select(v => (short)v));

    [Theory]
    [MemberData(nameof(MetadataVersions))]
    public void RewriteMetadata_EveryVersion_ReplacesEveryBrokerAndKeepsEverythingElse(short version)
    {
        byte[] real = Responses.Metadata(version, Responses.Real);

        byte[] rewritten = Rewrite.Run(ApiKey.Metadata, version, real);

        Assert.Equal(Responses.Metadata(version, Responses.Proxied(Responses.Real)), rewritten);
    }

    [Theory]
    [MemberData(nameof(MetadataVersions))]
    public void RewriteMetadata_SplitAtEveryByte_GivesTheSameBytes(short version)
    {
        byte[] real = Responses.Metadata(version, Responses.Real, topics: 1);
        byte[] expected = Responses.Metadata(version, Responses.Proxied(Responses.Real), topics: 1);

        Assert.Equal(expected, Rewrite.Run(ApiKey.Metadata, version, ReadOnlySequenceFactory.OneBytePerSegment(real)));
        for (int cut = 1; cut < real.Length; cut++)
        {
            Assert.Equal(expected, Rewrite.Run(ApiKey.Metadata, version, ReadOnlySequenceFactory.Split(real, cut)));
        }
    }

    [Fact]
    public void RewriteMetadata_V12WithTrailingBytes_KeepsThemVerbatim()
    {
        byte[] trailing = [0x00, 0xAB];

        byte[] rewritten = Rewrite.Run(ApiKey.Metadata, 12, Responses.Metadata(12, Responses.Real, trailing: trailing));

        Assert.Equal(Responses.Metadata(12, Responses.Proxied(Responses.Real), trailing: trailing), rewritten);
    }

    [Fact]
    public void RewriteMetadata_V9WithUnknownBrokerTags_KeepsTagsVerbatim()
    {
        static byte[] Build(Broker b)
        {
            var f = new Frame { Compact = true };
            f.Int32(Responses.CorrelationId).NoTags().Int32(0).Array(1);
            f.Int32(b.Node).String(b.Host).Int32(b.Port).String(null).Tags((7, [0xDE, 0xAD]));
            f.String(null).Int32(1).Array(0).Tags((3, [0x01]));
            return f.Payload;
        }

        var real = new Broker(1, "b1", 1);

        Assert.Equal(Build(real with { Host = MapTo.ProxyHost, Port = MapTo.ProxyPort(1) }), Rewrite.Run(ApiKey.Metadata, 9, Build(real)));
    }

    [Fact]
    public void RewriteMetadata_IdentityMapper_GivesIdenticalBytes()
    {
        byte[] real = Responses.Metadata(12, Responses.Real);

        Assert.Equal(real, Rewrite.Run(ApiKey.Metadata, 12, real, MapTo.Identity));
    }

    [Fact]
    public void RewriteMetadata_AsksTheMapperWithNodeIdHostAndPort()
    {
        var mapper = new MapTo((n, _, _) => new BrokerEndpoint("h", n));

        Rewrite.Run(ApiKey.Metadata, 1, Responses.Metadata(1, Responses.Real), mapper);

        Assert.Equal(Responses.Real.Select(b => (b.Node, b.Host, b.Port)), mapper.Seen);
    }

    public static TheoryData<short> FindCoordinatorVersions => new(Enumerable.Range(0, 7).Select(v => (short)v));

    [Theory]
    [MemberData(nameof(FindCoordinatorVersions))]
    public void RewriteFindCoordinator_EveryVersion_ReplacesCoordinators(short version)
    {
        Broker[] coordinators = version >= 4 ? Responses.Real : [Responses.Real[1]];

        byte[] rewritten = Rewrite.Run(ApiKey.FindCoordinator, version, Responses.FindCoordinator(version, coordinators));

        Assert.Equal(Responses.FindCoordinator(version, Responses.Proxied(coordinators)), rewritten);
    }

    [Fact]
    public void RewriteFindCoordinator_ErrorWithEmptyHost_LeavesThePlaceholderAlone()
    {
        byte[] notAvailable = Responses.FindCoordinator(2, [new Broker(-1, "", -1)]);

        Assert.Equal(notAvailable, Rewrite.Run(ApiKey.FindCoordinator, 2, notAvailable));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void RewriteDescribeCluster_EveryVersion_ReplacesBrokers(short version)
    {
        byte[] rewritten = Rewrite.Run(ApiKey.DescribeCluster, version, Responses.DescribeCluster(version, Responses.Real));

        Assert.Equal(Responses.DescribeCluster(version, Responses.Proxied(Responses.Real)), rewritten);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void RewriteProduce_NodeEndpointsTag_ReplacesEndpointsAndFixesTagSize(short version)
    {
        byte[] other = [0x01, 0x02, 0x03];
        byte[] rewritten = Rewrite.Run(ApiKey.Produce, version, Responses.Produce(version, Responses.Real, other));

        Assert.Equal(Responses.Produce(version, Responses.Proxied(Responses.Real), other), rewritten);
    }

    [Fact]
    public void RewriteProduce_NoNodeEndpoints_IsUnchanged()
    {
        byte[] plain = Responses.Produce(11, endpoints: null);

        Assert.Equal(plain, Rewrite.Run(ApiKey.Produce, 11, plain));
    }

    [Fact]
    public void RewriteProduce_LongHostGrowsTagSizeVarint_StaysConsistent()
    {
        var longHost = new MapTo((n, _, _) => new BrokerEndpoint(new string('p', 200), 9000 + n));
        byte[] rewritten = Rewrite.Run(ApiKey.Produce, 10, Responses.Produce(10, Responses.Real), longHost);

        var expected = Responses.Produce(10, Responses.Real.Select(b => b with { Host = new string('p', 200), Port = 9000 + b.Node }).ToArray());
        Assert.Equal(expected, rewritten);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    public void RewriteFetch_NodeEndpoints_ReplacedAndRecordsUntouched(short version)
    {
        byte[] records = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();

        byte[] rewritten = Rewrite.Run(ApiKey.Fetch, version, ReadOnlySequenceFactory.Split(Responses.Fetch(version, Responses.Real, records), 100, 2000, 4000));

        Assert.Equal(Responses.Fetch(version, Responses.Proxied(Responses.Real), records), rewritten);
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    [InlineData(false, 0)]
    [InlineData(false, 1)]
    [InlineData(false, 2)]
    public void RewriteShare_NodeEndpoints_Replaced(bool fetch, short version)
    {
        var key = fetch ? ApiKey.ShareFetch : ApiKey.ShareAcknowledge;
        byte[] records = [1, 2, 3, 4];

        byte[] rewritten = Rewrite.Run(key, version, Responses.Share(fetch, version, Responses.Real, records));

        Assert.Equal(Responses.Share(fetch, version, Responses.Proxied(Responses.Real), records), rewritten);
    }

    [Fact]
    public void Rewrite_MetadataVersionNewerThanKnown_IsRefusedRatherThanLeaked()
    {
        var error = Assert.Throws<KafkaProtocolException>(() => Rewrite.Run(ApiKey.Metadata, 14, Responses.Metadata(13, Responses.Real)));

        Assert.Equal((short)3, error.ApiKey);
        Assert.Equal((short)14, error.ApiVersion);
    }

    [Fact]
    public void Rewrite_TruncatedBrokerHost_ThrowsTypedErrorWithOffset()
    {
        byte[] real = Responses.Metadata(9, Responses.Real);

        var error = Assert.Throws<KafkaProtocolException>(() => Rewrite.Run(ApiKey.Metadata, 9, real[..12]));

        Assert.Equal((short)3, error.ApiKey);
        Assert.True(error.Offset > 0);
    }

    [Theory]
    [InlineData((short)ApiKey.Metadata, 0, true)]
    [InlineData((short)ApiKey.Produce, 9, false)]
    [InlineData((short)ApiKey.Produce, 10, true)]
    [InlineData((short)ApiKey.Fetch, 15, false)]
    [InlineData((short)ApiKey.Fetch, 16, true)]
    [InlineData((short)ApiKey.OffsetCommit, 8, false)]
    [InlineData((short)84, 0, false)]
    [InlineData((short)1000, 0, false)]
    public void MustRewrite_OnlyAddressCarriersAndApiVersions(short key, short version, bool expected)
    {
        Assert.Equal(expected, ResponseRewriter.MustRewrite(key, version));
    }
}
