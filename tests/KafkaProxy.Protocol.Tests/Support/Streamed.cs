using System.Buffers;
using System.Buffers.Binary;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Protocol.Tests.Support;

/// <summary>
/// Feeds a Fetch response to a <see cref="StreamingFetchRewriter"/> as a pipe would: the bytes arrive in reads ending
/// at the offsets given, the ones it holds back are handed again with the next read's, every read's buffer is split
/// into several segments, and bytes of a next frame follow the response's (they must stay unread).
/// </summary>
internal static class Streamed
{
    private static readonly byte[] NextFrame = [0xEE, 0xEE, 0xEE];

    /// <summary>Streams <paramref name="payload"/> (a response without its size) and returns the new payload, whose size is checked to be unchanged.</summary>
    public static byte[] Run(short version, byte[] payload, IEnumerable<int> readEnds, IBrokerAddressMapper? mapper = null, StreamingFetchRewriter? rewriter = null)
    {
        rewriter ??= new StreamingFetchRewriter();
        var input = new byte[4 + payload.Length + NextFrame.Length];
        BinaryPrimitives.WriteInt32BigEndian(input, payload.Length);
        payload.CopyTo(input, 4);
        NextFrame.CopyTo(input, 4 + payload.Length);
        var output = new ArrayBufferWriter<byte>();
        rewriter.Start(version, payload.Length);
        int consumed = 0;
        bool done = false;
        foreach (int end in readEnds.Where(e => e > 0 && e < input.Length).Append(input.Length).Distinct().Order())
        {
            var chunk = input[consumed..end];
            var buffer = ReadOnlySequenceFactory.Split(chunk, chunk.Length / 3, chunk.Length / 2);
            done = rewriter.Advance(ref buffer, output, mapper ?? MapTo.Proxy);
            consumed += chunk.Length - (int)buffer.Length;
            if (done)
            {
                break;
            }
        }

        Assert.True(done, "the rewriter did not finish the frame");
        Assert.Equal(4 + payload.Length, consumed);
        Assert.False(rewriter.InProgress);
        Assert.Equal(payload.Length + 4, output.WrittenCount);
        Assert.Equal(payload.Length, BinaryPrimitives.ReadInt32BigEndian(output.WrittenSpan));
        return output.WrittenSpan[4..].ToArray();
    }

    /// <summary>Streams with the whole response in one read.</summary>
    public static byte[] Whole(short version, byte[] payload, IBrokerAddressMapper? mapper = null, StreamingFetchRewriter? rewriter = null) =>
        Run(version, payload, [], mapper, rewriter);
}
