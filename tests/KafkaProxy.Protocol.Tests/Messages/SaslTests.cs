using CsCheck;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.Sasl;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Messages;

public sealed class SaslTests
{
    private static readonly MessageCodec<SaslHandshakeRequest> HandshakeRequest = new(ApiKey.SaslHandshake, SaslHandshakeRequest.Read, (m, w, v) => m.Write(w, v));
    private static readonly MessageCodec<SaslHandshakeResponse> HandshakeResponse = new(ApiKey.SaslHandshake, SaslHandshakeResponse.Read, (m, w, v) => m.Write(w, v));
    private static readonly MessageCodec<SaslAuthenticateRequest> AuthenticateRequest = new(ApiKey.SaslAuthenticate, SaslAuthenticateRequest.Read, (m, w, v) => m.Write(w, v));
    private static readonly MessageCodec<SaslAuthenticateResponse> AuthenticateResponse = new(ApiKey.SaslAuthenticate, SaslAuthenticateResponse.Read, (m, w, v) => m.Write(w, v));

    private static readonly byte[] PlainToken = [0, (byte)'u', (byte)'s', (byte)'e', (byte)'r', 0, (byte)'p', (byte)'a', (byte)'s', (byte)'s'];

    private static readonly Dictionary<short, byte[]> HandshakeRequestVectors = new()
    {
        [0] = Hex.Bytes("""
            0005 504c41494e         // mechanism "PLAIN"
            """),
        [1] = Hex.Bytes("""
            000d 5343 52414d2d5348412d353132 // mechanism "SCRAM-SHA-512" (same layout; never flexible)
            """),
    };

    private static readonly Dictionary<short, byte[]> HandshakeResponseVectors = new()
    {
        [0] = Hex.Bytes("""
            0000                    // error_code
            00000002                // mechanisms: 2
            0005 504c41494e         //   "PLAIN"
            000d 5343 52414d2d5348412d353132 // "SCRAM-SHA-512"
            """),
        [1] = Hex.Bytes("""
            0021                    // error_code 33 (UNSUPPORTED_SASL_MECHANISM)
            00000001                // mechanisms: 1
            0005 504c41494e         //   "PLAIN"
            """),
    };

    private static readonly Dictionary<short, byte[]> AuthenticateRequestVectors = new()
    {
        [0] = Hex.Bytes("""
            0000000a 00757365720070617373 // auth_bytes: int32 length 10, "\0user\0pass"
            """),
        [2] = Hex.Bytes("""
            0b 00757365720070617373 // auth_bytes: compact length 10+1 (flexible from v2)
            00                      // tagged fields: none
            """),
    };

    private static readonly Dictionary<short, byte[]> AuthenticateResponseVectors = new()
    {
        [0] = Hex.Bytes("""
            0000                    // error_code
            ffff                    // error_message: null
            00000000                // auth_bytes: empty
            """),
        [1] = Hex.Bytes("""
            0000                    // error_code
            ffff                    // error_message: null
            00000004 763d7878       // auth_bytes "v=xx"
            000000000036ee80        // session_lifetime_ms 3600000 (v1+)
            """),
        [2] = Hex.Bytes("""
            003a                    // error_code 58 (SASL_AUTHENTICATION_FAILED)
            04 626164               // error_message "bad" (compact from v2)
            01                      // auth_bytes: empty
            0000000000000000        // session_lifetime_ms 0
            01 00 00                // tagged fields: 1, unknown tag 0 (empty)
            """),
    };

    [Theory]
    [InlineData(0, "PLAIN")]
    [InlineData(1, "SCRAM-SHA-512")]
    public void ReadHandshakeRequest_EveryVersion_ReadsMechanism(short v, string mechanism)
    {
        Assert.Equal(mechanism, HandshakeRequest.AssertRoundTrip(HandshakeRequestVectors[v], v).Mechanism);
    }

    [Theory]
    [InlineData(0, 0, new[] { "PLAIN", "SCRAM-SHA-512" })]
    [InlineData(1, 33, new[] { "PLAIN" })]
    public void ReadHandshakeResponse_EveryVersion_ReadsErrorAndMechanisms(short v, short error, string[] mechanisms)
    {
        var response = HandshakeResponse.AssertRoundTrip(HandshakeResponseVectors[v], v);

        Assert.Equal(error, response.ErrorCode);
        Assert.Equal(mechanisms, response.Mechanisms);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void ReadAuthenticateRequest_BoundaryVersion_ReadsToken(short v)
    {
        var request = AuthenticateRequest.AssertRoundTrip(AuthenticateRequestVectors[v], v);

        Assert.Equal(PlainToken, request.AuthBytes.ToArray());
        Assert.Empty(request.UnknownTaggedFields);
        Assert.Equal(AuthenticateRequestVectors[0], AuthenticateRequest.Encode(request, 1));
    }

    [Fact]
    public void ReadAuthenticateResponse_V0_ReadsEmptyToken()
    {
        var response = AuthenticateResponse.AssertRoundTrip(AuthenticateResponseVectors[0], 0);

        Assert.Equal((0, null, 0, 0L), (response.ErrorCode, response.ErrorMessage, response.AuthBytes.Length, response.SessionLifetimeMs));
    }

    [Fact]
    public void ReadAuthenticateResponse_V1_ReadsSessionLifetime()
    {
        var response = AuthenticateResponse.AssertRoundTrip(AuthenticateResponseVectors[1], 1);

        Assert.Equal("v=xx"u8.ToArray(), response.AuthBytes.ToArray());
        Assert.Equal(3_600_000, response.SessionLifetimeMs);
    }

    [Fact]
    public void ReadAuthenticateResponse_V2_ReadsErrorAndKeepsUnknownTag()
    {
        var response = AuthenticateResponse.AssertRoundTrip(AuthenticateResponseVectors[2], 2);

        Assert.Equal((58, "bad", 0, 0L), (response.ErrorCode, response.ErrorMessage, response.AuthBytes.Length, response.SessionLifetimeMs));
        var tag = Assert.Single(response.UnknownTaggedFields);
        Assert.Equal(0u, tag.Tag);
        Assert.Equal(0, tag.Data.Length);
    }

    [Fact]
    public void ReadAuthenticateRequest_NullToken_ThrowsProtocolException()
    {
        Assert.Throws<KafkaProtocolException>(() => AuthenticateRequest.Decode(Hex.Bytes("ffffffff"), 0));
        Assert.Throws<KafkaProtocolException>(() => AuthenticateRequest.Decode(Hex.Bytes("00 00"), 2));
    }

    [Fact]
    public void ReadAuthenticateRequest_TokenFromSegments_IsCopiedOut()
    {
        byte[] vector = AuthenticateRequestVectors[2].ToArray();
        var request = AuthenticateRequest.Decode(ReadOnlySequenceFactory.Split(vector, 3, 7), 2);

        Array.Clear(vector);
        Assert.Equal(PlainToken, request.AuthBytes.ToArray());
    }

    public static TheoryData<string, short> Vectors()
    {
        var data = new TheoryData<string, short>();
        foreach (short v in HandshakeRequestVectors.Keys) { data.Add(nameof(HandshakeRequest), v); }
        foreach (short v in HandshakeResponseVectors.Keys) { data.Add(nameof(HandshakeResponse), v); }
        foreach (short v in AuthenticateRequestVectors.Keys) { data.Add(nameof(AuthenticateRequest), v); }
        foreach (short v in AuthenticateResponseVectors.Keys) { data.Add(nameof(AuthenticateResponse), v); }
        return data;
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Read_SplitIntoSegments_GivesTheSameMessage(string message, short v)
    {
        switch (message)
        {
            case nameof(HandshakeRequest): HandshakeRequest.AssertSplitsDecodeTheSame(HandshakeRequestVectors[v], v); break;
            case nameof(HandshakeResponse): HandshakeResponse.AssertSplitsDecodeTheSame(HandshakeResponseVectors[v], v); break;
            case nameof(AuthenticateRequest): AuthenticateRequest.AssertSplitsDecodeTheSame(AuthenticateRequestVectors[v], v); break;
            default: AuthenticateResponse.AssertSplitsDecodeTheSame(AuthenticateResponseVectors[v], v); break;
        }
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Read_TruncatedAnywhere_ThrowsProtocolException(string message, short v)
    {
        switch (message)
        {
            case nameof(HandshakeRequest): HandshakeRequest.AssertEveryTruncationThrows(HandshakeRequestVectors[v], v); break;
            case nameof(HandshakeResponse): HandshakeResponse.AssertEveryTruncationThrows(HandshakeResponseVectors[v], v); break;
            case nameof(AuthenticateRequest): AuthenticateRequest.AssertEveryTruncationThrows(AuthenticateRequestVectors[v], v); break;
            default: AuthenticateResponse.AssertEveryTruncationThrows(AuthenticateResponseVectors[v], v); break;
        }
    }

    [Fact]
    public void RoundTrip_RandomHandshakes_GiveIdenticalBytes()
    {
        HandshakeRequest.AssertRandomRoundTrips(
            Gen.Select(Gen.Short[0, 1], MessageGen.String).Select((v, mechanism) => (v, new SaslHandshakeRequest { Mechanism = mechanism })));
        HandshakeResponse.AssertRandomRoundTrips(
            Gen.Select(Gen.Short[0, 1], Gen.Short, MessageGen.String.List[0, 5])
                .Select((v, error, mechanisms) => (v, new SaslHandshakeResponse { ErrorCode = error, Mechanisms = mechanisms })));
    }

    [Fact]
    public void RoundTrip_RandomAuthenticates_GiveIdenticalBytes()
    {
        AuthenticateRequest.AssertRandomRoundTrips(Gen.Short[0, 2].SelectMany(v =>
            Gen.Select(MessageGen.Bytes, MessageGen.TagsIf(v >= 2))
                .Select((token, tags) => (v, new SaslAuthenticateRequest { AuthBytes = token, UnknownTaggedFields = tags }))));
        AuthenticateResponse.AssertRandomRoundTrips(Gen.Short[0, 2].SelectMany(v =>
            Gen.Select(Gen.Short, MessageGen.NullableString, MessageGen.Bytes, Gen.Long, MessageGen.TagsIf(v >= 2))
                .Select((error, message, token, lifetime, tags) => (v, new SaslAuthenticateResponse
                {
                    ErrorCode = error,
                    ErrorMessage = message,
                    AuthBytes = token,
                    SessionLifetimeMs = lifetime,
                    UnknownTaggedFields = tags,
                }))));
    }
}
