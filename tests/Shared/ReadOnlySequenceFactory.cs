using System.Buffers;

namespace KafkaProxy.Tests.Shared;

/// <summary>Builds multi-segment sequences, so parsers meet segment boundaries at every position.</summary>
internal static class ReadOnlySequenceFactory
{
    public static ReadOnlySequence<byte> Split(byte[] data, params int[] cuts)
    {
        var bounds = cuts.Where(c => c > 0 && c < data.Length).Distinct().Order().Prepend(0).Append(data.Length).ToArray();
        if (bounds.Length == 2)
        {
            return new ReadOnlySequence<byte>(data);
        }

        Segment first = new(data.AsMemory(bounds[0], bounds[1] - bounds[0]), 0);
        Segment last = first;
        for (int i = 1; i < bounds.Length - 1; i++)
        {
            last = last.Append(data.AsMemory(bounds[i], bounds[i + 1] - bounds[i]));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Every byte in its own segment.</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] data) => Split(data, Enumerable.Range(1, Math.Max(0, data.Length - 1)).ToArray());

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
