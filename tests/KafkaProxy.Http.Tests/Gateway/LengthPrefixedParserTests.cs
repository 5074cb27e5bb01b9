using System.Buffers;
using KafkaProxy.Http.Gateway;

namespace KafkaProxy.Http.Tests.Gateway;

public sealed class LengthPrefixedParserTests
{
    // Three messages: "abc", empty, 0x00 0xFF.
    private static readonly byte[] Body =
    [
        3, 0, 0, 0, (byte)'a', (byte)'b', (byte)'c', // length 3 (little-endian), "abc"
        0, 0, 0, 0,                                 // length 0
        2, 0, 0, 0, 0x00, 0xFF,                     // length 2, two bytes
    ];

    [Fact]
    public void Parse_BodySplitAtEveryPosition_YieldsTheSameThreeMessages()
    {
        for (int split = 0; split <= Body.Length; split++)
        {
            var parser = new LengthPrefixedParser(maxMessageBytes: 100, maxRequestBytes: 100);

            Feed(parser, Body[..split], Body[split..]);

            Assert.Null(parser.Rejection);
            Assert.Equal(["616263", "", "00FF"], parser.Messages.Select(Convert.ToHexString));
        }
    }

    [Fact]
    public void Parse_OneByteAtATime_YieldsTheSameMessages()
    {
        var parser = new LengthPrefixedParser(100, 100);

        Feed(parser, Body.Select(b => new[] { b }).ToArray());

        Assert.Null(parser.Rejection);
        Assert.Equal(3, parser.Messages.Count);
    }

    [Fact]
    public void Parse_MultiSegmentSequence_YieldsTheSameMessages()
    {
        var parser = new LengthPrefixedParser(100, 100);
        var sequence = Segments(Body[..2], Body[2..5], Body[5..13], Body[13..]);

        var stopped = parser.Parse(sequence);
        parser.Complete(sequence.Slice(stopped).Length);

        Assert.Null(parser.Rejection);
        Assert.Equal(3, parser.Messages.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Complete_StrayTrailingBytes_IsMalformed(int stray)
    {
        var parser = new LengthPrefixedParser(100, 100);

        Feed(parser, [.. Body, .. new byte[stray]]);

        Assert.Equal(400, parser.Rejection?.StatusCode);
        Assert.Equal($"The body ends with {stray} stray bytes after message 3: every message needs a 4-byte little-endian length first.", parser.Rejection?.Message);
    }

    [Fact]
    public void Complete_LengthRunsPastTheEnd_IsMalformed()
    {
        var parser = new LengthPrefixedParser(100, 100);

        Feed(parser, [.. Body, 10, 0, 0, 0, 1, 2]);

        Assert.Equal("Message 4 declares 10 bytes but the body ends after 2 of them.", parser.Rejection?.Message);
    }

    [Fact]
    public void Parse_MessageOverTheLimit_IsTooLargeBeforeItsBytesArrive()
    {
        var parser = new LengthPrefixedParser(maxMessageBytes: 2, maxRequestBytes: 100);

        parser.Parse(new ReadOnlySequence<byte>([3, 0, 0, 0]));

        Assert.Equal(413, parser.Rejection?.StatusCode);
        Assert.Equal("Message 1 is 3 bytes; the limit is 2 bytes per message.", parser.Rejection?.Message);
    }

    [Fact]
    public void Parse_BodyOverTheRequestLimit_IsTooLarge()
    {
        var parser = new LengthPrefixedParser(maxMessageBytes: 100, maxRequestBytes: Body.Length - 1);

        Feed(parser, Body[..10], Body[10..]);

        Assert.Equal(413, parser.Rejection?.StatusCode);
        Assert.Equal("too_large", parser.Rejection?.Reason);
    }

    [Fact]
    public void Parse_LengthWithTheHighBitSet_IsReadUnsignedAndTooLarge()
    {
        var parser = new LengthPrefixedParser(100, 100);

        parser.Parse(new ReadOnlySequence<byte>([0, 0, 0, 0x80]));

        Assert.Equal("Message 1 is 2147483648 bytes; the limit is 100 bytes per message.", parser.Rejection?.Message);
    }

    // Feeds the pieces as a pipe would: unconsumed bytes are handed again together with the next piece.
    private static void Feed(LengthPrefixedParser parser, params byte[][] pieces)
    {
        byte[] carried = [];
        foreach (byte[] piece in pieces)
        {
            var buffer = new ReadOnlySequence<byte>([.. carried, .. piece]);
            var stopped = parser.Parse(buffer);
            if (parser.Rejection is not null)
            {
                return;
            }

            carried = buffer.Slice(stopped).ToArray();
        }

        parser.Complete(carried.Length);
    }

    private static ReadOnlySequence<byte> Segments(params byte[][] parts)
    {
        var first = new Segment(parts[0], 0);
        var last = first;
        foreach (byte[] part in parts[1..])
        {
            last = last.Append(part);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data, long runningIndex)
        {
            Memory = data;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] data)
        {
            var next = new Segment(data, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
