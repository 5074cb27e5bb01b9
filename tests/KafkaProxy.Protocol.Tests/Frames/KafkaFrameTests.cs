using System.Buffers;
using KafkaProxy.Protocol.Frames;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Frames;

public sealed class KafkaFrameTests
{
    private static readonly byte[] TwoFrames = Hex.Bytes("""
        00 00 00 02 AA BB    // frame 1: 2 bytes
        00 00 00 00          // frame 2: empty
        00 00 00 05 01       // frame 3: incomplete (1 of 5 bytes)
        """);

    [Fact]
    public void TryReadFrame_ThreeFramesLastIncomplete_ReadsTwoThenWaits()
    {
        for (int cut = 0; cut < TwoFrames.Length; cut++)
        {
            var buffer = ReadOnlySequenceFactory.Split(TwoFrames, cut);

            Assert.True(KafkaFrame.TryReadFrame(ref buffer, 100, out var first));
            Assert.Equal([0xAA, 0xBB], first.ToArray());
            Assert.True(KafkaFrame.TryReadFrame(ref buffer, 100, out var second));
            Assert.True(second.IsEmpty);
            Assert.False(KafkaFrame.TryReadFrame(ref buffer, 100, out _));
            Assert.Equal(5, buffer.Length);
        }
    }

    [Fact]
    public void TryReadFrame_FewerThanFourBytes_Waits()
    {
        var buffer = new ReadOnlySequence<byte>([0, 0, 0]);
        Assert.False(KafkaFrame.TryReadFrame(ref buffer, 100, out _));
    }

    [Fact]
    public void TryReadFrame_NegativeSize_IsAProtocolError()
    {
        var buffer = new ReadOnlySequence<byte>(Hex.Bytes("FF FF FF FF"));
        var error = Assert.Throws<KafkaProtocolException>(() => KafkaFrame.TryReadFrame(ref buffer, 100, out _));
        Assert.Contains("-1 is negative", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadFrame_OversizedSize_IsRefusedBeforeBuffering()
    {
        var buffer = new ReadOnlySequence<byte>(Hex.Bytes("00 10 00 01"));
        var error = Assert.Throws<KafkaProtocolException>(() => KafkaFrame.TryReadFrame(ref buffer, 1024 * 1024, out _));
        Assert.Contains("above the limit of 1048576 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequestHeader_PrefixAcrossSegments_ReadsKeyVersionAndCorrelation()
    {
        byte[] payload = Hex.Bytes("00 03  00 0C  7F 00 00 01  00 04 74 65 73 74"); // Metadata v12, corr, client id "test"
        for (int cut = 1; cut < payload.Length; cut++)
        {
            Assert.True(RequestHeader.TryReadPrefix(ReadOnlySequenceFactory.Split(payload, cut), out var header));
            Assert.Equal(new RequestHeader(3, 12, 0x7F000001), header);
            Assert.Equal(2, header.HeaderVersion);
        }
    }

    [Theory]
    [InlineData((short)ApiKey.Produce, 8, 1, 0)]
    [InlineData((short)ApiKey.Produce, 9, 2, 1)]
    [InlineData((short)ApiKey.ApiVersions, 3, 2, 0)]
    [InlineData((short)ApiKey.ControlledShutdown, 0, 0, 0)]
    [InlineData((short)ApiKey.SaslHandshake, 1, 1, 0)]
    [InlineData((short)ApiKey.DescribeCluster, 0, 2, 1)]
    [InlineData((short)84, 0, 2, 1)]
    [InlineData((short)200, 0, -1, -1)]
    public void HeaderVersions_FollowTheFlexibleVersionTable(short key, short version, short request, short response)
    {
        Assert.Equal(request, KafkaApis.RequestHeaderVersion(key, version));
        Assert.Equal(response, KafkaApis.ResponseHeaderVersion(key, version));
    }
}
