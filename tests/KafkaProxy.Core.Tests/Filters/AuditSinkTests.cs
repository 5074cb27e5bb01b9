using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using KafkaProxy.Core.Diagnostics;
using KafkaProxy.Core.Filters.Audit;
using KafkaProxy.Core.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace KafkaProxy.Core.Tests.Filters;

public sealed class AuditSinkTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly OwnedMeterFactory _meters = new();
    private readonly MeterListener _listener = new();
    private readonly LogCapture _logs = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private long _dropped;
    private readonly List<string> _dropReasons = [];

    public AuditSinkTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, _meters) && instrument.Name == "proxy_audit_dropped_total")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            lock (_dropReasons)
            {
                _dropped += value;
                _dropReasons.Add((string)tags[0].Value!);
            }
        });
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task Write_QueueFullWhileTheFileIsStuck_DropsAndCountsWithoutWaiting_KeepsWhatFit()
    {
        var file = new StuckStream();
        var sink = Sink(new AuditOptions { Capacity = 2 });
        sink.Start(file);

        sink.Write(Record(1));
        await file.Entered.Task.WaitAsync(Patience); // the writer holds line 1 and waits on the file
        for (int i = 2; i <= 7; i++)
        {
            sink.Write(Record(i)); // 2 and 3 fit in the queue; 4 to 7 are dropped, and Write returns at once
        }

        Assert.Equal(4, Dropped());
        Assert.All(DropReasons(), r => Assert.Equal("queue_full", r));
        // Logged at once for the first drop, then at most once per interval.
        Assert.Equal(["Warning 1032 Dropped 1 audit lines: the audit queue (KafkaProxy:Audit:Capacity = 2) was full or its file could not be written. Traffic was not held up; the total is proxy_audit_dropped_total"], _logs.Lines);

        _time.Advance(AuditSink.ReportInterval);
        sink.Write(Record(8));
        Assert.Equal(5, Dropped());
        Assert.Contains("Warning 1032 Dropped 4 audit lines", _logs.Lines.Last(), StringComparison.Ordinal);

        file.Release.SetResult();
        await sink.DisposeAsync();

        Assert.Equal([1, 2, 3], Lines(file.Written).Select(l => l.GetProperty("correlation_id").GetInt32()));
    }

    [Fact]
    public async Task DisposeAsync_FileStuckForever_GivesUpAfterTheTimeoutAndCountsWhatWasQueued()
    {
        var file = new StuckStream();
        var sink = Sink(new AuditOptions { Capacity = 10 });
        sink.Start(file);
        sink.Write(Record(1));
        await file.Entered.Task.WaitAsync(Patience);
        sink.Write(Record(2));
        sink.Write(Record(3));

        var disposing = sink.DisposeAsync().AsTask();
        while (!disposing.IsCompleted)
        {
            // The dispose timeout runs on the fake clock: advance until disposing gives up.
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(disposing, Task.Delay(10));
        }

        await disposing;
        Assert.Equal(2, Dropped());
        Assert.Contains(_logs.Lines, l => l.StartsWith("Warning 1032 Dropped 2 audit lines", StringComparison.Ordinal));
        file.Release.SetResult();
    }

    [Fact]
    public async Task Start_PathInAMissingDirectory_ThrowsNamingTheSetting()
    {
        string path = Path.Combine(Path.GetTempPath(), $"audit-{Guid.NewGuid():N}", "missing", "audit.jsonl");
        var sink = Sink(new AuditOptions { Path = path });

        var error = Assert.Throws<InvalidOperationException>(() => sink.Start());

        Assert.StartsWith($"KafkaProxy:Audit:Path '{path}' cannot be opened for appending audit lines", error.Message, StringComparison.Ordinal);
        await sink.DisposeAsync();
    }

    [Fact]
    public async Task Write_FileAndLogger_AppendsLinesToTheFileAndLogsEachAtInformation()
    {
        string path = Path.Combine(Path.GetTempPath(), $"audit-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(path, "{\"kept\":true}\n"); // appended to, never truncated
        try
        {
            var sink = Sink(new AuditOptions { Path = path, Logger = true });
            sink.Start();
            sink.Write(Record(5));
            sink.Write(Record(6));
            await sink.DisposeAsync();

            string[] lines = await File.ReadAllLinesAsync(path);
            Assert.Equal(3, lines.Length);
            Assert.Equal("{\"kept\":true}", lines[0]);
            Assert.Equal([5, 6], lines.Skip(1).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("correlation_id").GetInt32()));
            Assert.Equal(lines.Skip(1).Select(l => $"Information 1034 {l}"), _logs.Lines);
            Assert.Equal(0, Dropped());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Write_FileThatFailsToWrite_CountsTheLinesAsWriteFailedAndLogsOnce()
    {
        var sink = Sink(new AuditOptions { Capacity = 10, Path = "/audit/disk-full.jsonl" });
        var file = new FailingStream();
        sink.Start(file);

        sink.Write(Record(1));
        await Eventually(() => Dropped() == 1);
        sink.Write(Record(2));
        await Eventually(() => Dropped() == 2);
        await sink.DisposeAsync();

        Assert.All(DropReasons(), r => Assert.Equal("write_failed", r));
        Assert.Single(_logs.Lines, l => l.StartsWith("Error 1033 Appending audit lines to KafkaProxy:Audit:Path '/audit/disk-full.jsonl' failed: No space left", StringComparison.Ordinal));
    }

    private AuditSink Sink(AuditOptions options)
    {
        var factory = new LoggerFactory([_logs]);
        return new AuditSink(options, "KafkaProxy:Audit:Path", "KafkaProxy:Audit:Capacity", factory.CreateLogger("KafkaProxy.Audit"), factory.CreateLogger("KafkaProxy.Proxy.Engine"), new ProxyMetrics(_meters), _time);
    }

    private long Dropped()
    {
        lock (_dropReasons)
        {
            return _dropped;
        }
    }

    private List<string> DropReasons()
    {
        lock (_dropReasons)
        {
            return [.. _dropReasons];
        }
    }

    private static async Task Eventually(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private static List<JsonElement> Lines(MemoryStream written) =>
        [.. Encoding.UTF8.GetString(written.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];

    internal static AuditRecord Record(int correlationId) => new()
    {
        Time = DateTimeOffset.Parse("2026-11-29T10:00:00.123Z", System.Globalization.CultureInfo.InvariantCulture),
        ConnectionId = 7,
        Client = "127.0.0.1:50000",
        Listener = "127.0.0.1:19092",
        Broker = "broker-1:9092",
        Principal = null,
        ClientId = "rdkafka",
        ApiKey = 0,
        ApiVersion = 9,
        CorrelationId = correlationId,
        RequestBytes = 100,
        Topics = [new AuditTopic("orders", null, [0, 2])],
        ResponseBytes = 50,
        Result = 0,
        DurationMs = 1.5,
    };

    /// <summary>A file whose writes wait until released, as a file system that stopped answering.</summary>
    private sealed class StuckStream : Stream
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public MemoryStream Written { get; } = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Entered.TrySetResult();
            await Release.Task.ConfigureAwait(false);
            Written.Write(buffer.Span);
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>A file on a full disk.</summary>
    private sealed class FailingStream : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("No space left on device"));

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
