using System.Buffers;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Benchmarks;

/// <summary>
/// A 1 MiB Fetch v16 response with NodeEndpoints (three brokers, every address replaced), as the response pump
/// streams it: 16 pipe reads of 64 KiB, each in segments of about 4 KiB, walked by one reused
/// <see cref="StreamingFetchRewriter"/> into a sink that copies the bytes as a socket writer would. Against it, the
/// whole-frame rewrite of the same response (which needs the frame whole in the pipe first).
/// </summary>
[MemoryDiagnoser]
public class StreamingFetchBenchmarks
{
    private const int ReadSize = 64 * 1024;

    private readonly StreamingFetchRewriter _streaming = new();
    private readonly Sink _sink = new();
    private readonly CachedMapper _mapper = new();
    private ResponseRewriter _whole = null!;
    private ReadOnlySequence<byte> _frame;   // size prefix included
    private ReadOnlySequence<byte> _payload; // after the size prefix
    private int _size;

    [GlobalSetup]
    public void Setup()
    {
        byte[] payload = Wire.FetchResponseV16(recordBytes: 1 << 20);
        byte[] frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        _size = payload.Length;
        _frame = Segments.Split(frame, frame.Length / 4096);
        _payload = _frame.Slice(4);
        _whole = new ResponseRewriter(_mapper);

        // Both must write a whole frame; the streamed one keeps the size, with the three addresses replaced.
        long streamed = FetchV16_1MiB_Streamed();
        if (streamed != frame.Length || _streaming.Changed != Wire.Brokers.Length)
        {
            throw new InvalidOperationException($"streaming wrote {streamed} bytes of a {frame.Length}-byte frame and changed {_streaming.Changed} addresses");
        }

        if (FetchV16_1MiB_WholeFrame() != Wire.Brokers.Length)
        {
            throw new InvalidOperationException("the whole-frame rewrite did not replace every address");
        }
    }

    /// <summary>The response in 64 KiB reads; bytes a read leaves held come again at the front of the next.</summary>
    [Benchmark]
    public long FetchV16_1MiB_Streamed()
    {
        _sink.Written = 0;
        _streaming.Start(16, _size);
        var unread = _frame;
        var held = ReadOnlySequence<byte>.Empty;
        while (true)
        {
            // What the pipe hands over: the bytes held back, then up to 64 KiB more.
            long take = Math.Min(ReadSize, unread.Length);
            var buffer = held.IsEmpty ? unread.Slice(0, take) : _frame.Slice(held.Start, unread.GetPosition(take));
            unread = unread.Slice(take);
            if (_streaming.Advance(ref buffer, _sink, _mapper))
            {
                return _sink.Written;
            }

            if (unread.IsEmpty)
            {
                throw new InvalidOperationException("the frame did not finish");
            }

            held = buffer;
        }
    }

    [Benchmark(Baseline = true)]
    public int FetchV16_1MiB_WholeFrame()
    {
        _sink.Written = 0;
        return _whole.Rewrite((short)ApiKey.Fetch, 16, _payload, _sink);
    }

    // Copies into one reused 64 KiB buffer, as a PipeWriter's pooled segment would take the bytes.
    private sealed class Sink : IBufferWriter<byte>
    {
        private readonly byte[] _buffer = new byte[64 * 1024];

        public long Written { get; set; }

        public void Advance(int count) => Written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => _buffer;

        public Span<byte> GetSpan(int sizeHint = 0) => _buffer;
    }

    private sealed class CachedMapper : IBrokerAddressMapper
    {
        private readonly BrokerEndpoint[] _endpoints = [new("127.0.0.1", 19090), new("127.0.0.1", 19091), new("127.0.0.1", 19092), new("127.0.0.1", 19093)];

        public BrokerEndpoint Map(int nodeId, ReadOnlySpan<byte> hostUtf8, int port) =>
            (uint)nodeId < (uint)_endpoints.Length ? _endpoints[nodeId] : throw new InvalidOperationException($"no endpoint for node {nodeId}");
    }
}
