using System.Buffers;
using BenchmarkDotNet.Attributes;
using KafkaProxy.Protocol.Frames;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.Produce;

namespace KafkaProxy.Benchmarks;

/// <summary>What the request pump does per frame: find the frame, read its header, read Produce acks. Target: 0 B allocated.</summary>
[MemoryDiagnoser]
public class FrameScanBenchmarks
{
    private ReadOnlySequence<byte> _single;
    private ReadOnlySequence<byte> _segmented;

    [GlobalSetup]
    public void Setup()
    {
        byte[] frame = Wire.ProduceRequestFrame();
        _single = new ReadOnlySequence<byte>(frame);
        _segmented = Segments.Split(frame, 3);
    }

    [Benchmark(Baseline = true)]
    public short ProduceFrame_SingleSegment() => Scan(_single);

    [Benchmark]
    public short ProduceFrame_ThreeSegments() => Scan(_segmented);

    private static short Scan(ReadOnlySequence<byte> buffer)
    {
        KafkaFrame.TryReadFrame(ref buffer, KafkaFrame.DefaultMaxFrameSize, out var payload);
        RequestHeader.TryReadPrefix(payload, out var header);
        ProduceRequestReader.TryReadAcks(payload, isComplete: true, header, out short acks);
        return acks;
    }
}
