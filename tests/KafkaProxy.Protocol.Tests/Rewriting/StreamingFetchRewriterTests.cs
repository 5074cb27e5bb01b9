using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Rewriting;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Rewriting;

public sealed class StreamingFetchRewriterTests
{
    private static readonly byte[] Records = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    public void Advance_EveryReadBoundary_SameBytesAsOneRead(short version)
    {
        byte[] payload = Responses.Fetch(version, Records, [(0, Responses.NodeEndpoints(Responses.Real)), (5, [1, 2, 3])], topics: 2, partitions: 2);
        byte[] whole = Streamed.Whole(version, payload);

        for (int cut = 1; cut < payload.Length + 4; cut++)
        {
            Assert.Equal(whole, Streamed.Run(version, payload, [cut]));
        }

        Assert.Equal(whole, Streamed.Run(version, payload, Enumerable.Range(1, payload.Length + 4)));
    }

    [Fact]
    public void Advance_IdentityMapper_KeepsEveryByte()
    {
        byte[] payload = Responses.Fetch(16, Responses.Real, Records, otherTag: [9, 9]);

        Assert.Equal(payload, Streamed.Run(16, payload, [7, 50, 120], MapTo.Identity));
    }

    [Fact]
    public void Advance_NoNodeEndpoints_KeepsEveryByte()
    {
        byte[] payload = Responses.Fetch(16, null, Records);

        Assert.Equal(payload, Streamed.Whole(16, payload));
    }

    [Fact]
    public void Advance_AddressesOfTheSameLength_SameBytesAsTheWholeFrameRewrite()
    {
        // Hosts as long as the brokers' own: nothing to pad, so streaming and the whole-frame rewrite agree byte for byte.
        var sameLength = new MapTo((node, host, port) => new BrokerEndpoint(new string('p', host.Length), port + 1));
        byte[] payload = Responses.Fetch(16, Responses.Real, Records, otherTag: [9, 9]);

        Assert.Equal(Rewrite.Run(ApiKey.Fetch, 16, payload, sameLength), Streamed.Run(16, payload, [30, 31, 200], sameLength));
    }

    [Fact]
    public void Advance_ShorterAddresses_PaddedWithAnUnknownTaggedField()
    {
        // proxy.local is 6 bytes shorter than broker-1.internal and broker-3.internal, 3 longer than 10.0.0.2: 9 bytes
        // to make up, as one more field: tag 127, size 7, seven zeros.
        byte[] payload = Responses.Fetch(16, Responses.Real, Records);

        byte[] streamed = Streamed.Run(16, payload, [100]);

        Assert.Equal(Responses.Fetch(16, Records, [(0, Responses.NodeEndpoints(Responses.Proxied(Responses.Real))), (SameLengthTail.PaddingTag, new byte[7])]), streamed);
    }

    [Fact]
    public void Advance_PaddingAfterOtherTags_TakesTheTagAfterTheLast()
    {
        byte[] payload = Responses.Fetch(16, Records, [(0, Responses.NodeEndpoints(Responses.Real)), (200, [1, 2, 3])]);

        byte[] streamed = Streamed.Whole(16, payload);

        // 9 bytes to make up after tag 200: tag 201 takes two varint bytes, its size one, so the field holds 6 zeros.
        Assert.Equal(Responses.Fetch(16, Records, [(0, Responses.NodeEndpoints(Responses.Proxied(Responses.Real))), (200, [1, 2, 3]), (201, new byte[6])]), streamed);
    }

    [Fact]
    public void Advance_OneByteShorter_CountWrittenAsALongerVarint()
    {
        // One byte is too few for a field: the field count 1 goes out as 0x81 0x00, which readers decode as 1.
        var oneShorter = new MapTo((node, host, port) => new BrokerEndpoint(node == 1 ? host[1..] : host, port));
        byte[] payload = Responses.Fetch(16, Responses.Real, Records);
        var rewritten = Responses.Real.Select(b => b.Node == 1 ? b with { Host = b.Host[1..] } : b).ToArray();
        byte[] noTags = Responses.Fetch(16, Records, []);
        byte[] endpoints = Responses.NodeEndpoints(rewritten);

        byte[] streamed = Streamed.Whole(16, payload, oneShorter);

        byte[] expected = [.. noTags[..^1], 0x81, 0x00, 0x00, (byte)endpoints.Length, .. endpoints];
        Assert.Equal(expected, streamed);
    }

    [Fact]
    public void Advance_AnAddressTooLong_LeavesThatEndpointOutAndKeepsTheRest()
    {
        var longFirst = new MapTo((node, host, port) => new BrokerEndpoint(node == 1 ? new string('p', 200) : host, port));
        byte[] payload = Responses.Fetch(16, Responses.Real, Records);
        var rewriter = new StreamingFetchRewriter();

        byte[] streamed = Streamed.Run(16, payload, [60], longFirst, rewriter);

        // Node 1's entry (34 bytes) is out: 34 bytes to make up, a padding field of 1 + 1 + 32.
        Assert.Equal(Responses.Fetch(16, Records, [(0, Responses.NodeEndpoints(Responses.Real[1..])), (SameLengthTail.PaddingTag, new byte[32])]), streamed);
        Assert.Equal(1, rewriter.Dropped);
        Assert.False(rewriter.TailReplaced);
    }

    [Fact]
    public void Advance_TagsLongerThanItHolds_ReplacedByPaddingAsTheyPass()
    {
        var many = Enumerable.Range(0, 2000).Select(i => new Broker(i, $"broker-{i:D5}.a-rather-long-internal-domain", 19092)).ToArray();
        byte[] payload = Responses.Fetch(16, many, Records);
        int tail = Responses.Fetch(16, many, Array.Empty<byte>()).Length - Responses.Fetch(16, null, Array.Empty<byte>()).Length + 1;
        Assert.True(tail > StreamingFetchRewriter.MaxHeldTail);
        var rewriter = new StreamingFetchRewriter();
        var asked = new MapTo((node, _, _) => new BrokerEndpoint(MapTo.ProxyHost, MapTo.ProxyPort(node)));

        byte[] streamed = Streamed.Run(16, payload, Enumerable.Range(1, payload.Length / 4096).Select(i => i * 4096), asked, rewriter);

        // The tail is one padding field of its length: count 1, tag 127, a 3-byte size, zeros.
        Assert.Equal(payload[..^tail], streamed[..^tail]);
        byte[] size = new byte[3];
        int sizeLength = VarInt.WriteUnsigned(size, (uint)(tail - 5));
        Assert.Equal(3, sizeLength);
        Assert.Equal([1, 127, .. size], streamed[^tail..^(tail - 5)]);
        Assert.All(streamed[^(tail - 5)..], b => Assert.Equal(0, b));
        Assert.True(rewriter.TailReplaced);
        Assert.True(rewriter.MostHeld < 4096, $"held {rewriter.MostHeld} bytes");
        Assert.Empty(asked.Seen);
    }

    [Fact]
    public void Advance_MegabytesOfRecords_HoldsOnlyTheTail()
    {
        byte[] records = new byte[4 << 20];
        Random.Shared.NextBytes(records);
        byte[] payload = Responses.Fetch(16, Responses.Real, records);
        var rewriter = new StreamingFetchRewriter();

        byte[] streamed = Streamed.Run(16, payload, Enumerable.Range(1, payload.Length / 65536).Select(i => i * 65536), rewriter: rewriter);

        Assert.Equal(Responses.Fetch(16, Records, [(0, Responses.NodeEndpoints(Responses.Proxied(Responses.Real))), (SameLengthTail.PaddingTag, new byte[7])])[^100..], streamed[^100..]);
        Assert.Equal(payload[..1000], streamed[..1000]);
        int tail = payload.Length - Responses.Fetch(16, null, records).Length + 1;
        Assert.True(rewriter.MostHeld <= tail, $"held {rewriter.MostHeld} bytes; the tail is {tail}");
    }

    [Fact]
    public void PassedOver_RecordsForwardedByTheCaller_TheRestComesOutAsIfTheyHadBeenWalked()
    {
        // The response pump moves the rest of a record set inside the kernel: the rewriter must count those bytes as
        // forwarded and take up the walk right after them.
        byte[] records = new byte[1 << 20];
        new Random(18).NextBytes(records);
        byte[] payload = Responses.Fetch(16, Responses.Real, records);
        byte[] input = new byte[4 + payload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(input, payload.Length);
        payload.CopyTo(input, 4);
        var rewriter = new StreamingFetchRewriter();
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        rewriter.Start(16, payload.Length);
        Assert.Equal(0, rewriter.PassOverNext); // nothing walked yet: the next bytes must be read

        var first = new System.Buffers.ReadOnlySequence<byte>(input, 0, 1000);
        Assert.False(rewriter.Advance(ref first, output, MapTo.Proxy));
        Assert.True(first.IsEmpty);
        long pending = rewriter.PassOverNext;
        Assert.InRange(pending, records.Length - 1000, records.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => rewriter.PassedOver(pending + 1));

        System.Buffers.BuffersExtensions.Write(output, input.AsSpan(1000, (int)pending)); // what the kernel moved
        rewriter.PassedOver(pending);
        Assert.Equal(0, rewriter.PassOverNext);
        var rest = new System.Buffers.ReadOnlySequence<byte>(input, 1000 + (int)pending, input.Length - 1000 - (int)pending);
        Assert.True(rewriter.Advance(ref rest, output, MapTo.Proxy));

        Assert.Equal(Streamed.Whole(16, payload), output.WrittenSpan[4..].ToArray());
    }

    [Fact]
    public void Advance_MapperThrowsAtTheTail_WritesNothingOfItAndResumesWithTheSameBytes()
    {
        byte[] payload = Responses.Fetch(16, Responses.Real, Records);
        byte[] frame = [0, 0, (byte)(payload.Length >> 8), (byte)payload.Length, .. payload];
        bool listening = false;
        var undiscovered = new MapTo((node, host, port) => listening || node != 3 ? new BrokerEndpoint(MapTo.ProxyHost, MapTo.ProxyPort(node)) : throw new InvalidOperationException("no listener"));
        var rewriter = new StreamingFetchRewriter();
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        rewriter.Start(16, payload.Length);
        var buffer = ReadOnlySequenceFactory.Split(frame, 40, 90);

        Assert.Throws<InvalidOperationException>(() => rewriter.Advance(ref buffer, output, undiscovered));
        int tail = payload.Length - Responses.Fetch(16, null, Records).Length + 1;
        Assert.Equal(tail, buffer.Length);
        Assert.Equal(frame[..^tail], output.WrittenSpan.ToArray());

        listening = true;
        var again = new System.Buffers.ReadOnlySequence<byte>(frame[^tail..]);
        Assert.True(rewriter.Advance(ref again, output, undiscovered));
        Assert.Equal([.. frame[..4], .. Streamed.Whole(16, payload)], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Advance_ResponseEndsInsideAField_ThrowsTheProtocolException()
    {
        byte[] payload = Responses.Fetch(16, Responses.Real, Records)[..60];
        var rewriter = new StreamingFetchRewriter();
        rewriter.Start(16, payload.Length);
        var buffer = new System.Buffers.ReadOnlySequence<byte>([0, 0, 0, (byte)payload.Length, .. payload]);

        var ex = Assert.Throws<KafkaProtocolException>(() => rewriter.Advance(ref buffer, new System.Buffers.ArrayBufferWriter<byte>(), MapTo.Proxy));
        Assert.Equal((short)ApiKey.Fetch, ex.ApiKey);
    }

    [Theory]
    [InlineData(1, 15, false)]
    [InlineData(1, 16, true)]
    [InlineData(1, 18, true)]
    [InlineData(1, 19, false)]
    [InlineData(0, 16, false)]
    public void CanStream_FetchFromV16ToTheNewestRewritten(short apiKey, short version, bool expected)
    {
        Assert.Equal(expected, StreamingFetchRewriter.CanStream(apiKey, version));
    }
}
