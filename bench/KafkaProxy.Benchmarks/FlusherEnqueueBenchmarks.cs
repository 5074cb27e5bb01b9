using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using KafkaProxy.Core.Flushing;
using Microsoft.Extensions.Options;

namespace KafkaProxy.Benchmarks;

/// <summary>
/// The gateway's enqueue path: <see cref="BatchingFlusher.Enqueue"/> of one request of 100 messages, without and with
/// delivery tracking. The flusher runs against an address where nothing listens and never flushes (batch size and
/// interval out of reach), so only the enqueue is measured; each iteration starts a fresh flusher so the buffer never
/// fills. Target: 0 B without tracking (the message arrays are the caller's, taken over as they are); with tracking,
/// one tracker and its result array per request.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10, invocationCount: 2000)]
public class FlusherEnqueueBenchmarks : IDisposable
{
    private const int MessagesPerRequest = 100;
    private readonly byte[][] _messages = Enumerable.Range(0, MessagesPerRequest).Select(_ => new byte[100]).ToArray();
    private BatchingFlusher? _flusher;

    [IterationSetup]
    public void StartFlusher()
    {
        var options = new BatchingFlusherOptions
        {
            BootstrapServers = "127.0.0.1:9",
            InitialTopic = "bench",
            BatchSize = int.MaxValue,
            FlushInterval = TimeSpan.FromDays(1),
            MaxBufferedMessages = int.MaxValue,
            MaxBufferedBytes = long.MaxValue,
        };
        _flusher = new BatchingFlusher(Options.Create(options));
        _flusher.StartAsync().GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void StopFlusher()
    {
        // What is buffered is dropped with the producer: nothing listens at the address anyway.
        var options = _flusher!.Options;
        options.DrainTimeout = TimeSpan.FromMilliseconds(1);
        _flusher.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _flusher?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public int Enqueue100() => (int)_flusher!.Enqueue(_messages, trackDelivery: false).Status;

    [Benchmark]
    public int Enqueue100Tracked() => (int)_flusher!.Enqueue(_messages, trackDelivery: true).Status;
}
