using System.Buffers;
using BenchmarkDotNet.Attributes;
using KafkaProxy.Protocol.Frames;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.Produce;

namespace KafkaProxy.Benchmarks;

/// <summary>
/// What the request pump does per frame: find the frame, read its header, read Produce acks, on a Produce v9
/// request whose payload is 1 KiB. Target: 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class FrameScanBenchmarks
{
    private ReadOnlySequence<byte> _single;
    private ReadOnlySequence<byte> _evenThirds;
    private ReadOnlySequence<byte> _cutInHeaders;

    [GlobalSetup]
    public void Setup()
    {
        byte[] frame = Wire.ProduceRequestFrame();
        _single = new ReadOnlySequence<byte>(frame);

        // Three equal segments: the size prefix, header and acks all lie in the first one (the fast paths).
        _evenThirds = Segments.Split(frame, 3);

        // Three segments cut inside the size prefix (byte 2) and inside the request header's correlation id
        // (byte 9 = payload byte 5): every reader takes its multi-segment slow path.
        _cutInHeaders = Segments.SplitAt(frame, 2, 9);

        foreach (var buffer in (ReadOnlySequence<byte>[])[_single, _evenThirds, _cutInHeaders])
        {
            if (Scan(buffer) != Wire.ProduceAcks)
            {
                throw new InvalidOperationException("the benchmark frame did not scan to its acks");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public short ProduceFrame_SingleSegment() => Scan(_single);

    [Benchmark]
    public short ProduceFrame_ThreeSegments() => Scan(_evenThirds);

    [Benchmark]
    public short ProduceFrame_ThreeSegments_CutInHeaders() => Scan(_cutInHeaders);

    private static short Scan(ReadOnlySequence<byte> buffer)
    {
        if (!KafkaFrame.TryReadFrame(ref buffer, KafkaFrame.DefaultMaxFrameSize, out var payload)
            || !RequestHeader.TryReadPrefix(payload, out var header)
            || !ProduceRequestReader.TryReadAcks(payload, isComplete: true, header, out short acks))
        {
            return short.MinValue;
        }

        return acks;
    }
}
