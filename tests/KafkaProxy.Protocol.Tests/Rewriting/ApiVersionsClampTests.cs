using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Rewriting;

public sealed class ApiVersionsClampTests
{
    private static byte[] Response(short version, short errorCode, params (ApiKey Key, short Min, short Max)[] apis)
    {
        bool flexible = version >= 3 && errorCode != 35;
        var f = new Frame { Compact = flexible };
        f.Int32(Responses.CorrelationId);                         // header v0 always
        f.Int16(errorCode).Array(apis.Length);
        foreach (var (key, min, max) in apis)
        {
            f.Int16((short)key).Int16(min).Int16(max).NoTags();
        }

        if (version >= 1 && errorCode != 35) { f.Int32(0); }      // throttle_time_ms
        if (flexible) { f.Tags((0, [0x01, 0x00])); }              // supported_features (opaque here)
        return f.Payload;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void ClampApiVersions_NewerThanRewritable_LowersOnlyThoseMaxVersions(short version)
    {
        byte[] broker = Response(version, 0, (ApiKey.Produce, 0, 14), (ApiKey.Fetch, 4, 19), (ApiKey.Metadata, 0, 15), (ApiKey.OffsetCommit, 0, 9), (ApiKey.DescribeQuorum, 0, 2), ((ApiKey)84, 0, 3));

        byte[] clamped = Rewrite.Run(ApiKey.ApiVersions, version, broker);

        Assert.Equal(Response(version, 0, (ApiKey.Produce, 0, 13), (ApiKey.Fetch, 4, 18), (ApiKey.Metadata, 0, 13), (ApiKey.OffsetCommit, 0, 9), (ApiKey.DescribeQuorum, 0, 1), ((ApiKey)84, 0, 3)), clamped);
    }

    [Fact]
    public void ClampApiVersions_MockClusterFallbackWithOddCompactCount_PassesThroughVerbatim()
    {
        // Captured from librdkafka's mock cluster answering an ApiVersions v3 request (it speaks v0-2).
        byte[] captured = Hex.Bytes("""
            00 00 00 01   // correlation id
            00 23         // error_code 35 UNSUPPORTED_VERSION
            01            // compact array count "0" ...
            00 12 00 00 00 02 00  // ... yet one entry: ApiVersions 0-2, no tags
            00 00 00      // three more bytes
            """);

        Assert.Equal(captured, Rewrite.Run(ApiKey.ApiVersions, 3, captured));
    }

    [Fact]
    public void ClampApiVersions_UnsupportedVersionFallbackInV0Layout_PassesThroughVerbatim()
    {
        // A v3 request answered with error 35 comes back in v0 layout (the mock cluster does this).
        byte[] fallback = Response(0, 35, (ApiKey.Metadata, 0, 13), (ApiKey.ApiVersions, 0, 2));

        Assert.Equal(fallback, Rewrite.Run(ApiKey.ApiVersions, 3, fallback));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(127)]
    public void ClampApiVersions_NewerThanTheProxyAndTheBrokerAnswersIt_BecomesUnsupportedVersionInV0Layout(short version)
    {
        // A broker that knows v5 answers in a layout the proxy cannot read: the client is told, as an older broker
        // would tell it, to retry with a version the proxy clamps.
        byte[] broker = Hex.Bytes("""
            00 00 00 07   // correlation id
            00 00         // error_code 0
            05 AB CD EF   // the rest of a layout the proxy does not know
            """);

        byte[] answer = Rewrite.Run(ApiKey.ApiVersions, version, broker);

        Assert.Equal(Hex.Bytes("""
            00 00 00 07   // correlation id
            00 23         // error_code 35 UNSUPPORTED_VERSION
            00 00 00 01   // api_keys: one entry (v0 layout)
            00 12 00 00 00 04  // ApiVersions 0-4
            """), answer);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(32767)]
    public void ClampApiVersions_NewerThanTheProxyAndTheBrokerRefusesIt_PassesThroughVerbatim(short version)
    {
        byte[] broker = Hex.Bytes("""
            00 00 00 07   // correlation id
            00 23         // error_code 35
            00 00 00 01 00 12 00 00 00 02   // api_keys: ApiVersions 0-2
            """);

        Assert.Equal(broker, Rewrite.Run(ApiKey.ApiVersions, version, broker));
    }
}
