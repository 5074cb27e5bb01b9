using CsCheck;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.ApiVersions;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Messages;

public sealed class ApiVersionsTests
{
    private static readonly MessageCodec<ApiVersionsRequest> Request = new(ApiKey.ApiVersions, ApiVersionsRequest.Read, (m, w, v) => m.Write(w, v));
    private static readonly MessageCodec<ApiVersionsResponse> Response = new(ApiKey.ApiVersions, ApiVersionsResponse.Read, (m, w, v) => m.Write(w, v));

    private static readonly byte[] RequestV3 = Hex.Bytes("""
        0c 6b61666b612d70726f7879   // client_software_name: compact length 11+1, "kafka-proxy"
        06 302e312e30               // client_software_version: compact length 5+1, "0.1.0"
        00                          // tagged fields: none
        """);

    private static readonly byte[] RequestV4 = Hex.Bytes("""
        06 6c6962726b               // client_software_name: "librk"
        01                          // client_software_version: ""
        01                          // tagged fields: 1
        05 02 abcd                  //   unknown tag 5, 2 bytes
        """);

    private static readonly byte[] ResponseV0 = Hex.Bytes("""
        0000                        // error_code
        00000002                    // api_keys: 2
        0000 0003 000d              //   Produce 3-13
        0012 0000 0004              //   ApiVersions 0-4
        """);

    private static readonly byte[] ResponseV1 = Hex.Bytes("""
        0023                        // error_code 35
        00000001                    // api_keys: 1
        0012 0000 0002              //   ApiVersions 0-2
        00000064                    // throttle_time_ms 100
        """);

    private static readonly byte[] ResponseV3 = Hex.Bytes("""
        0000                        // error_code
        03                          // api_keys: compact 2+1
        0000 0003 000d 00           //   Produce 3-13, no tags
        0012 0000 0004 01 07 01 ff  //   ApiVersions 0-4, unknown tag 7 (1 byte)
        00000000                    // throttle_time_ms
        05                          // tagged fields: 5
        00 17                       //   tag 0 supported_features, 23 bytes
        02                          //     compact 1+1
        11 6d657461646174612e76657273696f6e //  name "metadata.version"
        0001 0019 00                //     min 1, max 25, no tags
        01 08 0000000000000005      //   tag 1 finalized_features_epoch 5
        02 14                       //   tag 2 finalized_features, 20 bytes
        02                          //     compact 1+1
        0e 6b726166742e76657273696f6e //    name "kraft.version"
        0001 0000 00                //     max_version_level 1, min_version_level 0, no tags
        03 01 01                    //   tag 3 zk_migration_ready true
        09 03 010203                //   unknown tag 9, 3 bytes
        """);

    private static readonly byte[] ResponseV4 = Hex.Bytes("""
        0000                        // error_code
        02                          // api_keys: compact 1+1
        0003 0000 000d 00           //   Metadata 0-13
        00000000                    // throttle_time_ms
        01                          // tagged fields: 1
        00 14                       //   tag 0 supported_features, 20 bytes
        02                          //     compact 1+1
        0e 67726f75702e76657273696f6e //    name "group.version"
        0000 0001 00                //     min 0 (allowed from v4), max 1, no tags
        """);

    [Fact]
    public void ReadRequest_V0_IsEmpty()
    {
        var request = Request.AssertRoundTrip([], 0);

        Assert.Equal(string.Empty, request.ClientSoftwareName);
        Assert.Empty(Request.Encode(new ApiVersionsRequest { ClientSoftwareName = "ignored before v3" }, 2));
    }

    [Fact]
    public void ReadRequest_V3_ReadsClientSoftware()
    {
        var request = Request.AssertRoundTrip(RequestV3, 3);

        Assert.Equal("kafka-proxy", request.ClientSoftwareName);
        Assert.Equal("0.1.0", request.ClientSoftwareVersion);
        Assert.Empty(request.UnknownTaggedFields);
    }

    [Fact]
    public void ReadRequest_V4WithUnknownTag_KeepsTagVerbatim()
    {
        var request = Request.AssertRoundTrip(RequestV4, 4);

        Assert.Equal("librk", request.ClientSoftwareName);
        Assert.Equal(string.Empty, request.ClientSoftwareVersion);
        var tag = Assert.Single(request.UnknownTaggedFields);
        Assert.Equal(5u, tag.Tag);
        Assert.Equal([0xab, 0xcd], tag.Data.ToArray());
    }

    [Fact]
    public void ReadResponse_V0_ReadsApiKeys()
    {
        var response = Response.AssertRoundTrip(ResponseV0, 0);

        Assert.Equal(0, response.ErrorCode);
        Assert.Collection(
            response.ApiKeys,
            k => Assert.Equal((0, 3, 13), (k.ApiKey, k.MinVersion, k.MaxVersion)),
            k => Assert.Equal((18, 0, 4), (k.ApiKey, k.MinVersion, k.MaxVersion)));
        Assert.Equal(0, response.ThrottleTimeMs);
        Assert.Equal(-1, response.FinalizedFeaturesEpoch);
    }

    [Fact]
    public void ReadResponse_V1_ReadsThrottleTime()
    {
        var response = Response.AssertRoundTrip(ResponseV1, 1);

        Assert.Equal(35, response.ErrorCode);
        Assert.Equal((18, 0, 2), (response.ApiKeys[0].ApiKey, response.ApiKeys[0].MinVersion, response.ApiKeys[0].MaxVersion));
        Assert.Equal(100, response.ThrottleTimeMs);
    }

    [Fact]
    public void ReadResponse_V3WithEveryTag_ReadsKnownTagsAndKeepsUnknownOnes()
    {
        var response = Response.AssertRoundTrip(ResponseV3, 3);

        Assert.Equal(2, response.ApiKeys.Count);
        Assert.Empty(response.ApiKeys[0].UnknownTaggedFields);
        var keyTag = Assert.Single(response.ApiKeys[1].UnknownTaggedFields);
        Assert.Equal(7u, keyTag.Tag);
        Assert.Equal([0xff], keyTag.Data.ToArray());
        var supported = Assert.Single(response.SupportedFeatures);
        Assert.Equal(("metadata.version", 1, 25), (supported.Name, supported.MinVersion, supported.MaxVersion));
        Assert.Equal(5, response.FinalizedFeaturesEpoch);
        var finalized = Assert.Single(response.FinalizedFeatures);
        Assert.Equal(("kraft.version", 1, 0), (finalized.Name, finalized.MaxVersionLevel, finalized.MinVersionLevel));
        Assert.True(response.ZkMigrationReady);
        var topTag = Assert.Single(response.UnknownTaggedFields);
        Assert.Equal(9u, topTag.Tag);
        Assert.Equal([1, 2, 3], topTag.Data.ToArray());
    }

    [Fact]
    public void ReadResponse_V4_ReadsSupportedFeatureWithMinVersionZero()
    {
        var response = Response.AssertRoundTrip(ResponseV4, 4);

        Assert.Equal((3, 0, 13), (response.ApiKeys[0].ApiKey, response.ApiKeys[0].MinVersion, response.ApiKeys[0].MaxVersion));
        var supported = Assert.Single(response.SupportedFeatures);
        Assert.Equal(("group.version", 0, 1), (supported.Name, supported.MinVersion, supported.MaxVersion));
        Assert.Equal(-1, response.FinalizedFeaturesEpoch);
        Assert.Empty(response.FinalizedFeatures);
        Assert.False(response.ZkMigrationReady);
    }

    public static TheoryData<bool, short> Vectors() => new()
    {
        { false, 3 }, { false, 4 }, { true, 0 }, { true, 1 }, { true, 3 }, { true, 4 },
    };

    private static byte[] Vector(bool response, short version) => (response, version) switch
    {
        (false, 3) => RequestV3,
        (false, _) => RequestV4,
        (true, 0) => ResponseV0,
        (true, 1) => ResponseV1,
        (true, 3) => ResponseV3,
        _ => ResponseV4,
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Read_SplitIntoSegments_GivesTheSameMessage(bool response, short version)
    {
        if (response)
        {
            Response.AssertSplitsDecodeTheSame(Vector(response, version), version);
        }
        else
        {
            Request.AssertSplitsDecodeTheSame(Vector(response, version), version);
        }
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Read_TruncatedAnywhere_ThrowsProtocolException(bool response, short version)
    {
        if (response)
        {
            Response.AssertEveryTruncationThrows(Vector(response, version), version);
        }
        else
        {
            Request.AssertEveryTruncationThrows(Vector(response, version), version);
        }
    }

    [Fact]
    public void ReadResponse_KnownTagWithWrongSize_ThrowsProtocolException()
    {
        byte[] body = Hex.Bytes("""
            0000 01 00000000            // error_code, api_keys: none, throttle_time_ms
            01 01 09 0000000000000005 00 // tag 1 (an int64) claiming 9 bytes, plus a padding byte
            """);

        var error = Assert.Throws<KafkaProtocolException>(() => Response.Decode(body, 3));
        Assert.Equal((short)ApiKey.ApiVersions, error.ApiKey);
    }

    [Fact]
    public void ReadResponse_UnsupportedVersion_ThrowsProtocolException()
    {
        Assert.Throws<KafkaProtocolException>(() => Response.Decode(ResponseV4, 5));
        Assert.Throws<KafkaProtocolException>(() => Request.Decode(RequestV4, -1));
    }

    [Fact]
    public void WriteResponse_UnsupportedVersion_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Response.Encode(new ApiVersionsResponse(), 5));
    }

    [Fact]
    public void WriteResponse_UnknownFieldUsingKnownTag_ThrowsInvalidOperation()
    {
        var response = new ApiVersionsResponse { UnknownTaggedFields = { new RawTaggedField(2, new byte[] { 1 }) } };

        Assert.Throws<InvalidOperationException>(() => Response.Encode(response, 3));
    }

    [Fact]
    public void WriteResponse_DefaultTagValues_WritesNoTags()
    {
        byte[] body = Response.Encode(new ApiVersionsResponse(), 3);

        Assert.Equal(Hex.Bytes("0000 01 00000000 00"), body);
    }

    private static Gen<ApiVersionsResponseApiKey> GenApiKey(bool flexible) =>
        Gen.Select(Gen.Short, Gen.Short, Gen.Short, MessageGen.TagsIf(flexible))
            .Select((key, min, max, tags) => new ApiVersionsResponseApiKey { ApiKey = key, MinVersion = min, MaxVersion = max, UnknownTaggedFields = tags });

    [Fact]
    public void RoundTrip_RandomRequests_GivesIdenticalBytes()
    {
        var models = Gen.Short[ApiVersionsRequest.LowestSupportedVersion, ApiVersionsRequest.HighestSupportedVersion].SelectMany(v =>
            Gen.Select(MessageGen.String, MessageGen.String, MessageGen.TagsIf(v >= 3))
                .Select((name, version, tags) => (v, new ApiVersionsRequest { ClientSoftwareName = name, ClientSoftwareVersion = version, UnknownTaggedFields = tags })));

        Request.AssertRandomRoundTrips(models);
    }

    [Fact]
    public void RoundTrip_RandomResponses_GivesIdenticalBytes()
    {
        var supported = Gen.Select(MessageGen.String, Gen.Short, Gen.Short, MessageGen.Tags())
            .Select((name, min, max, tags) => new ApiVersionsResponseSupportedFeature { Name = name, MinVersion = min, MaxVersion = max, UnknownTaggedFields = tags });
        var finalized = Gen.Select(MessageGen.String, Gen.Short, Gen.Short, MessageGen.Tags())
            .Select((name, max, min, tags) => new ApiVersionsResponseFinalizedFeature { Name = name, MaxVersionLevel = max, MinVersionLevel = min, UnknownTaggedFields = tags });
        var models = Gen.Short[ApiVersionsResponse.LowestSupportedVersion, ApiVersionsResponse.HighestSupportedVersion].SelectMany(v =>
            Gen.Select(
                Gen.Short,
                GenApiKey(v >= 3).List[0, 5],
                Gen.Int,
                supported.List[0, 3],
                Gen.OneOf(Gen.Const(-1L), Gen.Long),
                finalized.List[0, 3],
                Gen.Bool,
                MessageGen.TagsIf(v >= 3, firstTag: 4))
            .Select((error, keys, throttle, sup, epoch, fin, zk, tags) => (v, new ApiVersionsResponse
            {
                ErrorCode = error,
                ApiKeys = keys.ToList<ApiVersionsResponseApiKey>(),
                ThrottleTimeMs = v >= 1 ? throttle : 0,
                SupportedFeatures = v >= 3 ? sup : [],
                FinalizedFeaturesEpoch = v >= 3 ? epoch : -1,
                FinalizedFeatures = v >= 3 ? fin : [],
                ZkMigrationReady = v >= 3 && zk,
                UnknownTaggedFields = tags,
            })));

        Response.AssertRandomRoundTrips(models);
    }
}
