using System.Buffers;
using CsCheck;
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
            using var parser = Parser();

            Feed(parser, Body[..split], Body[split..]);

            Assert.Null(parser.Rejection);
            Assert.Equal(["616263", "", "00FF"], parser.Messages.Select(Convert.ToHexString));
        }
    }

    [Fact]
    public void Parse_OneByteAtATime_YieldsTheSameMessages()
    {
        using var parser = Parser();

        Feed(parser, Body.Select(b => new[] { b }).ToArray());

        Assert.Null(parser.Rejection);
        Assert.Equal(3, parser.Messages.Count);
    }

    [Fact]
    public void Parse_MultiSegmentSequence_YieldsTheSameMessages()
    {
        using var parser = Parser();
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
        using var parser = Parser();

        Feed(parser, [.. Body, .. new byte[stray]]);

        Assert.Equal(400, parser.Rejection?.StatusCode);
        Assert.Equal($"The body ends with {stray} stray bytes after message 3: every message needs a 4-byte little-endian length first.", parser.Rejection?.Message);
    }

    [Fact]
    public void Complete_LengthRunsPastTheEnd_IsMalformed()
    {
        using var parser = Parser();

        Feed(parser, [.. Body, 10, 0, 0, 0, 1, 2]);

        Assert.Equal("Message 4 declares 10 bytes but the body ends after 2 of them.", parser.Rejection?.Message);
    }

    [Fact]
    public void Parse_MessageOverTheLimit_IsTooLargeBeforeItsBytesArrive()
    {
        using var parser = Parser(maxMessageBytes: 2);

        parser.Parse(new ReadOnlySequence<byte>([3, 0, 0, 0]));

        Assert.Equal(413, parser.Rejection?.StatusCode);
        Assert.Equal("Message 1 is 3 bytes; the limit is 2 bytes per message.", parser.Rejection?.Message);
    }

    [Fact]
    public void Parse_BodyOverTheRequestLimit_IsTooLarge()
    {
        using var parser = Parser(maxRequestBytes: Body.Length - 1);

        Feed(parser, Body[..10], Body[10..]);

        Assert.Equal(413, parser.Rejection?.StatusCode);
        Assert.Equal("too_large", parser.Rejection?.Reason);
    }

    [Fact]
    public void Parse_LengthWithTheHighBitSet_IsReadUnsignedAndTooLarge()
    {
        using var parser = Parser();

        parser.Parse(new ReadOnlySequence<byte>([0, 0, 0, 0x80]));

        Assert.Equal("Message 1 is 2147483648 bytes; the limit is 100 bytes per message.", parser.Rejection?.Message);
    }

    [Fact]
    public void Parse_MoreMessagesThanTheWholeBuffer_StopsAtTheFirstOneOver()
    {
        // 1000 empty messages where the buffer holds 3: the fourth length prefix ends the parse.
        using var parser = Parser(maxMessages: 3, maxRequestBytes: 4000);

        parser.Parse(new ReadOnlySequence<byte>(new byte[4000]));

        Assert.Equal(413, parser.Rejection?.StatusCode);
        Assert.Equal("The request holds more than the gateway's whole buffer (3 messages, 1000 bytes): split it.", parser.Rejection?.Message);
        Assert.Equal(3, parser.Messages.Count);
    }

    [Fact]
    public void Parse_MoreBytesThanTheWholeBuffer_StopsBeforeTheMessageThatCrossesIt()
    {
        using var parser = Parser(maxMessageBytesTotal: 5);

        parser.Parse(new ReadOnlySequence<byte>([3, 0, 0, 0, 1, 2, 3, 3, 0, 0, 0]));

        Assert.Equal("The request holds more than the gateway's whole buffer (1000 messages, 5 bytes): split it.", parser.Rejection?.Message);
        Assert.Single(parser.Messages);
    }

    [Fact]
    public void Parse_MessageArrivingInPieces_HoldsWhatArrivedNotWhatItDeclares()
    {
        var budget = new InProgressBudget(10_000_000);
        using var parser = Parser(maxMessageBytes: 1_000_000, maxRequestBytes: 2_000_000, maxMessageBytesTotal: 2_000_000, budget: budget);
        byte[] prefix = [0x40, 0x42, 0x0F, 0x00]; // 1,000,000

        Feed(parser, [.. prefix, .. new byte[10]], new byte[10], null);

        Assert.Null(parser.Rejection);
        Assert.Equal(LengthPrefixedParser.MinGrowth + LengthPrefixedParser.MessageOverhead, budget.Held);
    }

    [Fact]
    public void Parse_MessageArrivingInPieces_HoldsAtMostTwiceWhatArrived_AndEndsInOneArrayOfItsSize()
    {
        var budget = new InProgressBudget(10_000_000);
        using var parser = Parser(maxMessageBytes: 1_000_000, maxRequestBytes: 2_000_000, maxMessageBytesTotal: 2_000_000, budget: budget);
        var message = new byte[1_000_000];
        new Random(5).NextBytes(message);
        byte[] body = [0x40, 0x42, 0x0F, 0x00, .. message];

        byte[] carried = [];
        for (int offset = 0; offset < body.Length; offset += 30_000)
        {
            byte[] piece = body[offset..Math.Min(body.Length, offset + 30_000)];
            var buffer = new ReadOnlySequence<byte>([.. carried, .. piece]);
            carried = buffer.Slice(parser.Parse(buffer)).ToArray();
            long arrived = Math.Max(0, offset + piece.Length - 4);
            Assert.InRange(budget.Held - LengthPrefixedParser.MessageOverhead, arrived, Math.Max(2 * arrived, LengthPrefixedParser.MinGrowth));
        }

        parser.Complete(carried.Length);
        Assert.Null(parser.Rejection);
        Assert.Equal(message, Assert.Single(parser.Messages));
        Assert.Equal(message.Length + LengthPrefixedParser.MessageOverhead, budget.Held);
    }

    [Fact]
    public void Parse_WholeBody_ReservesItsMessagesAndOverhead_DisposeGivesItBack()
    {
        var budget = new InProgressBudget(1000);
        var parser = Parser(budget: budget);

        Feed(parser, Body);

        Assert.Equal(5 + (3 * LengthPrefixedParser.MessageOverhead), budget.Held);
        parser.Dispose();
        Assert.Equal(0, budget.Held);
        Assert.Equal(5 + (3 * LengthPrefixedParser.MessageOverhead), budget.Peak);
    }

    [Fact]
    public void Parse_BudgetHeldByOtherRequests_IsServiceUnavailable()
    {
        var budget = new InProgressBudget(1000);
        Assert.True(budget.TryReserve(1000 - 50));
        using var parser = Parser(budget: budget);

        Feed(parser, Body);

        Assert.Equal(503, parser.Rejection?.StatusCode);
        Assert.Equal("in_progress_full", parser.Rejection?.Reason);
        Assert.Single(parser.Messages); // "abc" fit; the second message's overhead did not
        parser.Dispose();
        Assert.Equal(1000 - 50, budget.Held);
    }

    [Fact]
    public void Parse_BodyNeedingMoreThanTheWholeBudget_IsTooLarge()
    {
        var budget = new InProgressBudget(100);
        using var parser = Parser(budget: budget);

        Feed(parser, Body);

        Assert.Equal(413, parser.Rejection?.StatusCode);
        Assert.Contains("than all requests in progress may hold together (100 bytes, KafkaProxy:HttpPush:MaxInProgressBytes)", parser.Rejection?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AnyMessagesInAnyPieces_YieldsThemExactly_HoldingTheirBytesAndOverhead_UntilDisposed()
    {
        var messages = Gen.Byte.Array[0, 300].List[0, 20];
        var pieceSizes = Gen.Int[1, 400].List[1, 30];
        Gen.Select(messages, pieceSizes).Sample((sent, sizes) =>
        {
            byte[] body = Frame(sent);
            var budget = new InProgressBudget(1_000_000);
            var parser = Parser(maxMessageBytes: 300, maxRequestBytes: body.Length, maxMessageBytesTotal: body.Length, budget: budget);

            Feed(parser, [.. Pieces(body, sizes)]);

            Assert.Null(parser.Rejection);
            Assert.Equal(sent.Select(Convert.ToHexString), parser.Messages.Select(Convert.ToHexString));
            Assert.Equal(sent.Sum(m => (long)m.Length + LengthPrefixedParser.MessageOverhead), budget.Held);
            parser.Dispose();
            Assert.Equal(0, budget.Held);
        });
    }

    private static byte[] Frame(List<byte[]> messages) =>
        [.. messages.SelectMany(m => BitConverter.GetBytes((uint)m.Length).Concat(m))];

    // The body cut at the sizes given, cycling through them; every piece at least one byte.
    private static IEnumerable<byte[]> Pieces(byte[] body, List<int> sizes)
    {
        for (int offset = 0, i = 0; offset < body.Length; i++)
        {
            int size = Math.Min(sizes[i % sizes.Count], body.Length - offset);
            yield return body[offset..(offset + size)];
            offset += size;
        }
    }

    private static LengthPrefixedParser Parser(
        int maxMessageBytes = 100, long maxRequestBytes = 100, int maxMessages = 1000, long maxMessageBytesTotal = 1000, InProgressBudget? budget = null) =>
        new(new PushLimits(maxMessageBytes, maxRequestBytes, maxMessages, maxMessageBytesTotal), budget ?? new InProgressBudget(1_000_000));

    // Feeds the pieces as a pipe would: unconsumed bytes are handed again together with the next piece.
    // A null last piece means the body has not ended yet.
    private static void Feed(LengthPrefixedParser parser, params byte[]?[] pieces)
    {
        byte[] carried = [];
        foreach (byte[]? piece in pieces)
        {
            if (piece is null)
            {
                return;
            }

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
