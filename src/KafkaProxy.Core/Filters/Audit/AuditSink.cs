using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using KafkaProxy.Core.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Filters.Audit;

/// <summary>
/// Takes audit records from the connections' pumps without ever waiting: a bounded queue that refuses what does not fit
/// (counted in <c>proxy_audit_dropped_total</c> and logged at most once per <see cref="ReportInterval"/>), and one
/// writer task that turns records into JSON lines, appends them to the file and flushes after each batch it finds
/// queued, and logs them under <c>KafkaProxy.Audit</c> when asked. Disposing writes what is queued (for a bounded time)
/// and closes the file.
/// </summary>
internal sealed class AuditSink : IAsyncDisposable
{
    /// <summary>Drops and write failures are logged at most this often; the counter counts every line.</summary>
    public static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long disposing waits for the writer to write what is queued.</summary>
    public static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(5);

    private const int MaxBatch = 1024;

    private readonly Channel<AuditRecord> _queue;
    private readonly AuditOptions _options;
    private readonly string _pathKey;
    private readonly string _capacityKey;
    private readonly ILogger _lines;
    private readonly ILogger _problems;
    private readonly ProxyMetrics _metrics;
    private readonly TimeProvider _time;
    private Stream? _file;
    private Task? _writer;
    private long _droppedUnreported;
    private long _nextDropReport;
    private long _nextFailureReport;
    private int _disposed;

    /// <param name="options">What to write where.</param>
    /// <param name="pathKey">The configuration key of the path, for messages (<c>KafkaProxy:Audit:Path</c>).</param>
    /// <param name="capacityKey">The configuration key of the capacity, for messages.</param>
    /// <param name="lines">The <c>KafkaProxy.Audit</c> logger the lines go to when <see cref="AuditOptions.Logger"/> is on.</param>
    /// <param name="problems">Where drops and write failures are reported.</param>
    /// <param name="metrics">Counts dropped lines.</param>
    /// <param name="time">The clock of the report interval and the dispose timeout.</param>
    public AuditSink(AuditOptions options, string pathKey, string capacityKey, ILogger lines, ILogger problems, ProxyMetrics metrics, TimeProvider time)
    {
        _options = options;
        _pathKey = pathKey;
        _capacityKey = capacityKey;
        _lines = lines;
        _problems = problems;
        _metrics = metrics;
        _time = time;
        _queue = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(options.Capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then returns false instead of waiting: the record is dropped
        });
    }

    /// <summary>The clock the filter stamps records with.</summary>
    public TimeProvider Time => _time;

    /// <summary>Opens the file (or takes <paramref name="file"/>, for tests) and starts the writer.</summary>
    /// <exception cref="InvalidOperationException">The file cannot be opened for appending; the message names the setting.</exception>
    public void Start(Stream? file = null)
    {
        _file = file ?? OpenFile();
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Queues <paramref name="record"/> for the writer, or drops and counts it when the queue is full; never waits.</summary>
    public void Write(AuditRecord record)
    {
        if (!_queue.Writer.TryWrite(record))
        {
            Dropped(1, "queue_full");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        if (_writer is { } writer)
        {
            try
            {
                await writer.WaitAsync(DisposeTimeout, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The writer is stuck (a file system that does not answer): what is still queued is lost, and said.
                int left = _queue.Reader.Count;
                while (_queue.Reader.TryRead(out _))
                {
                }

                Dropped(left, "queue_full");
            }
        }

        ReportDrops(force: true);
        if (_file is { } file)
        {
            await file.DisposeAsync().ConfigureAwait(false);
        }
    }

    private FileStream? OpenFile()
    {
        if (string.IsNullOrEmpty(_options.Path))
        {
            return null;
        }

        try
        {
            return new FileStream(_options.Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new InvalidOperationException($"{_pathKey} '{_options.Path}' cannot be opened for appending audit lines: {ex.Message} Give a file in a directory that exists and that the proxy may write to.", ex);
        }
    }

    private async Task WriteAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using var json = new Utf8JsonWriter(buffer);
        bool log = _options.Logger && _lines.IsEnabled(LogLevel.Information);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            int count = 0;
            while (count < MaxBatch && _queue.Reader.TryRead(out var record))
            {
                int start = buffer.WrittenCount;
                json.Reset(buffer);
                AuditLine.Write(json, record);
                json.Flush();
                if (log)
                {
                    Log.AuditLine(_lines, Encoding.UTF8.GetString(buffer.WrittenSpan[start..]));
                }

                buffer.Write("\n"u8);
                count++;
            }

            if (_file is not null)
            {
                await AppendAsync(_file, buffer.WrittenMemory, count).ConfigureAwait(false);
            }

            buffer.ResetWrittenCount();
        }
    }

    private async ValueTask AppendAsync(Stream file, ReadOnlyMemory<byte> lines, int count)
    {
        try
        {
            await file.WriteAsync(lines).ConfigureAwait(false);
            await file.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            // A full disk, say: these lines are lost and counted; the next batch tries again.
            Dropped(count, "write_failed");
            if (Due(ref _nextFailureReport))
            {
                Log.AuditWriteFailed(_problems, ex, _pathKey, _options.Path, ex.Message);
            }
        }
    }

    private void Dropped(int count, string reason)
    {
        if (count <= 0)
        {
            return;
        }

        _metrics.AuditDropped(count, reason);
        Interlocked.Add(ref _droppedUnreported, count);
        ReportDrops(force: false);
    }

    private void ReportDrops(bool force)
    {
        if (Volatile.Read(ref _droppedUnreported) == 0 || !(force || Due(ref _nextDropReport)))
        {
            return;
        }

        long dropped = Interlocked.Exchange(ref _droppedUnreported, 0);
        if (dropped > 0)
        {
            Log.AuditLinesDropped(_problems, dropped, _capacityKey, _options.Capacity);
        }
    }

    // True at most once per report interval, for whichever thread gets there first.
    private bool Due(ref long next)
    {
        long now = _time.GetTimestamp();
        long due = Volatile.Read(ref next);
        if (now < due)
        {
            return false;
        }

        long interval = (long)(ReportInterval.TotalSeconds * _time.TimestampFrequency);
        return Interlocked.CompareExchange(ref next, now + interval, due) == due;
    }
}
