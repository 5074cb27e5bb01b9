using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using KafkaProxy.Core.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KafkaProxy.Core.Flushing;

/// <summary>
/// Accumulates accepted messages and hands them to one long-lived Confluent.Kafka producer when
/// <see cref="BatchingFlusherOptions.BatchSize"/> messages or <see cref="BatchingFlusherOptions.FlushInterval"/> have
/// gathered since the last flush. The buffer (waiting plus in flight) is bounded: a request that does not fit is
/// refused whole, never partly taken. A message whose delivery times out is queued again; one that Kafka finally refuses
/// is logged and counted. Stopping refuses new messages, flushes all it holds and waits for Kafka's acknowledgements.
/// </summary>
internal sealed class BatchingFlusher : IAsyncDisposable
{
    private readonly BatchingFlusherOptions _options;
    private readonly ITopicStore _topicStore;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FlusherMetrics _metrics;
    private readonly OwnedMeterFactory? _ownedMeterFactory;
    private readonly bool _ownsTopicStore;
    private readonly MessageSpool? _spool;
    private readonly SemaphoreSlim _topicSwitch = new(1, 1);
    private readonly object _gate = new();

    // Guarded by _gate: the waiting messages, the counts of everything held (waiting and in flight), the state.
    private List<PendingMessage> _pending = [];
    private long _bufferedMessages;
    private long _bufferedBytes;
    private int _requeuedSinceLog;
    private bool _accepting;
    private bool _finalStop;
    private TaskCompletionSource _wake = NewWake();
    private TaskCompletionSource? _room; // set while the spool's replay waits for room in the buffer

    private List<PendingMessage> _flushing = []; // owned by the one task that flushes
    private string _topic = "";
    private IProducer<Null, byte[]>? _producer;
    private CancellationTokenSource? _loopStop;
    private Task _loop = Task.CompletedTask;
    private Task _refresh = Task.CompletedTask;
    private Task _replay = Task.CompletedTask;
    private int _stopped;

    /// <summary>Creates a flusher; <see cref="StartAsync"/> connects it.</summary>
    /// <param name="options">Validated settings.</param>
    /// <param name="topicStore">Where the current topic is kept; by default the cache file, or memory when none is set.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="meterFactory">Metrics (meter <c>KafkaProxy.Gateway</c>); a private factory when null.</param>
    /// <param name="timeProvider">The clock of the flush interval; the system clock when null.</param>
    public BatchingFlusher(
        IOptions<BatchingFlusherOptions> options,
        ITopicStore? topicStore = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _topicStore = topicStore ?? DefaultTopicStore(_options);
        _ownsTopicStore = topicStore is null;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(ProxyLoggers.FlushingCategory);
        if (meterFactory is null)
        {
            _ownedMeterFactory = new OwnedMeterFactory();
            meterFactory = _ownedMeterFactory;
        }

        if (_options.SpoolDirectory.Length > 0)
        {
            _spool = new MessageSpool(_options.SpoolDirectory, _options.MaxSpoolBytes, _logger, OnSpooled, time: _time);
        }

        _metrics = new FlusherMetrics(meterFactory, () => BufferedMessages, () => BufferedBytes, _spool);
    }

    /// <summary>The topic that messages accepted now are produced to.</summary>
    public string CurrentTopic => Volatile.Read(ref _topic);

    /// <summary>Messages held now: waiting for a flush or in flight to Kafka.</summary>
    internal long BufferedMessages
    {
        get
        {
            lock (_gate)
            {
                return _bufferedMessages;
            }
        }
    }

    /// <summary>Message bytes held now.</summary>
    internal long BufferedBytes
    {
        get
        {
            lock (_gate)
            {
                return _bufferedBytes;
            }
        }
    }

    /// <summary>The settings this flusher runs with.</summary>
    internal BatchingFlusherOptions Options => _options;

    /// <summary>The disk spool, when <see cref="BatchingFlusherOptions.SpoolDirectory"/> is set.</summary>
    internal MessageSpool? Spool => _spool;

    /// <summary>Reads the current topic from the store, creates the producer and starts the flush loop.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopped) != 0, this);
        string? stored = await _topicStore.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (stored is not null)
        {
            Log.TopicLoaded(_logger, stored, _topicStore.GetType().Name);
        }

        Volatile.Write(ref _topic, stored ?? _options.InitialTopic);
        var recovered = _spool?.Open() ?? [];
        if (_spool is not null)
        {
            Log.SpoolOpened(_logger, _spool.Directory, _spool.MaxBytes);
        }

        _producer = BuildProducer();
        _loopStop = new CancellationTokenSource();
        if (recovered.Count == 0)
        {
            lock (_gate)
            {
                _accepting = true;
            }
        }
        else
        {
            Log.SpoolFound(_logger, _spool!.Directory, recovered.Count, recovered.Sum(s => s.Length));
            _replay = Task.Run(() => ReplayAsync(recovered, _loopStop.Token), CancellationToken.None);
        }

        _loop = Task.Run(() => RunAsync(_loopStop.Token), CancellationToken.None);
        if (_options.TopicStateTopic.Length > 0)
        {
            _refresh = RefreshTopicAsync(_loopStop.Token);
        }

        Log.Started(_logger, CurrentTopic, _options.BootstrapServers, _options.BatchSize, _options.FlushInterval);
    }

    /// <summary>
    /// Takes all of <paramref name="messages"/> for the current topic, or none of them. The arrays belong to the
    /// flusher afterwards: the caller must not change them.
    /// </summary>
    /// <param name="messages">The message values.</param>
    /// <param name="trackDelivery">Whether the result carries <see cref="EnqueueResult.Delivery"/>, each message's outcome for the caller to await.</param>
    public EnqueueResult Enqueue(IReadOnlyList<byte[]> messages, bool trackDelivery)
    {
        ArgumentNullException.ThrowIfNull(messages);
        long bytes = 0;
        for (int i = 0; i < messages.Count; i++)
        {
            bytes += messages[i].Length;
        }

        var accepted = _time.GetUtcNow();
        lock (_gate)
        {
            string topic = _topic;
            if (!_accepting)
            {
                return new EnqueueResult(EnqueueStatus.NotRunning, topic, null);
            }

            if (messages.Count > _options.MaxBufferedMessages || bytes > _options.MaxBufferedBytes)
            {
                return new EnqueueResult(EnqueueStatus.ExceedsCapacity, topic, null);
            }

            if (_bufferedMessages + messages.Count > _options.MaxBufferedMessages || _bufferedBytes + bytes > _options.MaxBufferedBytes)
            {
                return new EnqueueResult(EnqueueStatus.BufferFull, topic, null);
            }

            var tracker = trackDelivery ? new DeliveryTracker(messages.Count) : null;
            var origin = Buffered(messages.Count, topic);
            for (int i = 0; i < messages.Count; i++)
            {
                _pending.Add(new PendingMessage(topic, messages[i], accepted, tracker, i, Origin: origin));
            }

            _bufferedMessages += messages.Count;
            _bufferedBytes += bytes;
            if (_pending.Count >= _options.BatchSize)
            {
                _wake.TrySetResult();
            }

            _metrics.Accepted(messages.Count);
            return new EnqueueResult(EnqueueStatus.Accepted, topic, tracker);
        }
    }

    /// <summary>
    /// Takes all of <paramref name="messages"/> for the current topic, or none of them, as <see cref="Enqueue"/> does;
    /// with the spool on, finishes once they are on disk (fsynced), or with <see cref="EnqueueStatus.SpoolFailed"/> when
    /// they could not be written.
    /// </summary>
    public ValueTask<EnqueueResult> EnqueueAsync(IReadOnlyList<byte[]> messages, bool trackDelivery)
    {
        if (_spool is null)
        {
            return ValueTask.FromResult(Enqueue(messages, trackDelivery));
        }

        ArgumentNullException.ThrowIfNull(messages);
        return SpoolAsync(messages, trackDelivery);
    }

    /// <summary>True when the spool is on and has no room for <paramref name="bytes"/> more now.</summary>
    internal bool SpoolIsFull(long bytes) => _spool is not null && !_spool.HasRoomFor(bytes);

    /// <summary>
    /// Switches the topic of the messages accepted from now on, after storing it durably. Messages accepted before keep
    /// their topic.
    /// </summary>
    /// <exception cref="ArgumentException">The name breaks Kafka's topic naming rule.</exception>
    public async Task SetTopicAsync(string topic, CancellationToken cancellationToken = default)
    {
        if (!TopicName.IsValid(topic, out string problem))
        {
            throw new ArgumentException($"Not a valid topic: {problem}.", nameof(topic));
        }

        await _topicSwitch.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _topicStore.SaveAsync(topic, cancellationToken).ConfigureAwait(false);
            string old;
            lock (_gate)
            {
                old = _topic;
                Volatile.Write(ref _topic, topic);
            }

            Log.TopicSwitched(_logger, old, topic);
        }
        finally
        {
            _topicSwitch.Release();
        }
    }

    /// <summary>True when Kafka answered a metadata request for the current topic within <paramref name="timeout"/>.</summary>
    internal async Task<bool> IsKafkaReachableAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var producer = _producer;
        if (producer is null || Volatile.Read(ref _stopped) != 0)
        {
            return false;
        }

        string topic = CurrentTopic;
        return await Task.Run(
            () =>
            {
                try
                {
                    using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
                    return admin.GetMetadata(topic, timeout).Brokers.Count > 0;
                }
                catch (KafkaException)
                {
                    return false;
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Refuses new messages, flushes everything held and waits for Kafka's acknowledgements, at most
    /// <see cref="BatchingFlusherOptions.DrainTimeout"/> (or until <paramref name="cancellationToken"/> fires).
    /// What is still unacknowledged then is logged and counted as lost.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        lock (_gate)
        {
            _accepting = false;
        }

        if (_loopStop is not null)
        {
            await _loopStop.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
            await _refresh.ConfigureAwait(false);
            await _replay.ConfigureAwait(false);
        }

        if (_producer is not null)
        {
            // Requests taken before the stop are written first (their messages join the buffer), then drained.
            _spool?.StopWriting();
            await DrainAsync(_producer, cancellationToken).ConfigureAwait(false);
            _producer.Dispose();
        }

        _spool?.Dispose();
        _loopStop?.Dispose();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _topicSwitch.Dispose();
        _ownedMeterFactory?.Dispose();
        if (_ownsTopicStore && _topicStore is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    // The buffer's limits apply as in Enqueue, and the spool's on top; the messages join the buffer once on disk.
    private async ValueTask<EnqueueResult> SpoolAsync(IReadOnlyList<byte[]> messages, bool trackDelivery)
    {
        long bytes = 0;
        for (int i = 0; i < messages.Count; i++)
        {
            bytes += messages[i].Length;
        }

        SpoolAppend append;
        string topic;
        lock (_gate)
        {
            topic = _topic;
            if (!_accepting)
            {
                return new EnqueueResult(EnqueueStatus.NotRunning, topic, null);
            }

            long spoolBytes = SpoolAppend.BytesFor(topic, messages);
            if (messages.Count > _options.MaxBufferedMessages || bytes > _options.MaxBufferedBytes || spoolBytes > _spool!.MaxBytes / 2)
            {
                return new EnqueueResult(EnqueueStatus.ExceedsCapacity, topic, null);
            }

            if (_bufferedMessages + messages.Count > _options.MaxBufferedMessages || _bufferedBytes + bytes > _options.MaxBufferedBytes)
            {
                return new EnqueueResult(EnqueueStatus.BufferFull, topic, null);
            }

            if (!_spool.TryReserve(spoolBytes))
            {
                return new EnqueueResult(EnqueueStatus.SpoolFull, topic, null);
            }

            _bufferedMessages += messages.Count;
            _bufferedBytes += bytes;
            append = new SpoolAppend(topic, messages, _time.GetUtcNow(), trackDelivery ? new DeliveryTracker(messages.Count) : null, spoolBytes, TracedRequest());
            _spool.Append(append); // under _gate: the spool's order is the order of acceptance
        }

        _spool!.Write();
        if (!await append.Durable.ConfigureAwait(false))
        {
            lock (_gate)
            {
                _bufferedMessages -= messages.Count;
                _bufferedBytes -= bytes;
            }

            return new EnqueueResult(EnqueueStatus.SpoolFailed, topic, null);
        }

        return new EnqueueResult(EnqueueStatus.Accepted, topic, append.Tracker);
    }

    // On the spool's writer thread, in the order of acceptance: the messages are on disk, now they wait for a flush.
    private void OnSpooled(SpoolAppend append, SpoolSegment segment)
    {
        lock (_gate)
        {
            for (int i = 0; i < append.Messages.Count; i++)
            {
                _pending.Add(new PendingMessage(append.Topic, append.Messages[i], append.Accepted, append.Tracker, i, segment, append.Origin));
            }

            NoteBuffered(append.Origin, append.Messages.Count, append.Topic); // on disk: now they count as taken

            if (_pending.Count >= _options.BatchSize)
            {
                _wake.TrySetResult();
            }
        }

        _metrics.Accepted(append.Messages.Count);
    }

    // At start: what the last run left in the spool goes to the buffer first, in the order it was written, as room
    // allows; new requests are taken after it.
    private async Task ReplayAsync(IReadOnlyList<SpoolSegment> segments, CancellationToken stop)
    {
        long replayed = 0;
        try
        {
            foreach (var segment in segments)
            {
                using (var reader = MessageSpool.Read(segment))
                {
                    while (reader.TryReadNext(out string topic, out var record))
                    {
                        byte[] value = record.Value!;
                        await WaitForRoomAsync(value.Length, stop).ConfigureAwait(false);
                        segment.Hold(1);
                        lock (_gate)
                        {
                            _pending.Add(new PendingMessage(topic, value, record.Accepted, null, 0, segment));
                            _bufferedMessages++;
                            _bufferedBytes += value.Length;
                            if (_pending.Count >= _options.BatchSize)
                            {
                                _wake.TrySetResult();
                            }
                        }

                        replayed++;
                        _metrics.Replayed(1);
                    }

                    if (reader.TornOffset >= 0)
                    {
                        Log.SpoolTornTail(_logger, segment.Path, reader.TornOffset, reader.TornBytes);
                    }

                    _spool!.Replayed(segment, reader.Length);
                }

                segment.Seal();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: what was not replayed stays in the spool for the next start.
            return;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The spool cannot be read back: taking new requests would put them before older ones, so stay refusing.
            Log.SpoolWriteFailed(_logger, _spool!.Directory, 0, 0, "replay failed: " + ex.Message);
            return;
        }

        Log.SpoolReplayed(_logger, replayed);
        lock (_gate)
        {
            _accepting = Volatile.Read(ref _stopped) == 0;
        }
    }

    private async Task WaitForRoomAsync(int bytes, CancellationToken stop)
    {
        while (true)
        {
            Task room;
            lock (_gate)
            {
                if (_bufferedMessages == 0
                    || (_bufferedMessages < _options.MaxBufferedMessages && _bufferedBytes + bytes <= _options.MaxBufferedBytes))
                {
                    return;
                }

                _room ??= NewWake();
                room = _room.Task;
                _wake.TrySetResult(); // a full buffer is flushed now, not at the next interval
            }

            await room.WaitAsync(stop).ConfigureAwait(false);
        }
    }

    private static ITopicStore DefaultTopicStore(BatchingFlusherOptions options) =>
        options.TopicStateTopic.Length > 0 ? new KafkaTopicStore(options.BootstrapServers, options.TopicStateTopic, options.Producer)
        : options.TopicCacheFile.Length > 0 ? new FileTopicStore(options.TopicCacheFile)
        : new MemoryTopicStore();

    // Scale-out mode: another replica may switch the topic; adopt what the shared store says.
    private async Task RefreshTopicAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.TopicStateRefreshInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                string? stored;
                try
                {
                    stored = await _topicStore.LoadAsync(stop).ConfigureAwait(false);
                }
                catch (KafkaException ex)
                {
                    Log.TopicRefreshFailed(_logger, ex.Message);
                    continue;
                }

                await _topicSwitch.WaitAsync(stop).ConfigureAwait(false);
                try
                {
                    string old = CurrentTopic;
                    if (stored is not null && stored != old)
                    {
                        lock (_gate)
                        {
                            Volatile.Write(ref _topic, stored);
                        }

                        Log.TopicSwitched(_logger, old, stored);
                    }
                }
                finally
                {
                    _topicSwitch.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Confluent.Kafka binds librdkafka by finding its P/Invoke methods with reflection; the dependencies keep those
    // methods in trimmed and native AOT apps, where they would otherwise be removed as unused.
    [DynamicDependency(DynamicallyAccessedMemberTypes.NonPublicMethods, "Confluent.Kafka.Impl.NativeMethods.NativeMethods", "Confluent.Kafka")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.NonPublicMethods, "Confluent.Kafka.Impl.NativeMethods.NativeMethods_Centos8", "Confluent.Kafka")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.NonPublicMethods, "Confluent.Kafka.Impl.NativeMethods.NativeMethods_Alpine", "Confluent.Kafka")]
    private IProducer<Null, byte[]> BuildProducer()
    {
        var config = new ProducerConfig
        {
            BootstrapServers = _options.BootstrapServers,
            ClientId = "kafka-proxy-gateway",
            Acks = Acks.All,
            EnableIdempotence = true,
            MessageTimeoutMs = (int)Math.Min(int.MaxValue, _options.DeliveryTimeout.TotalMilliseconds),
            QueueBufferingMaxMessages = _options.MaxBufferedMessages,
            QueueBufferingMaxKbytes = (int)Math.Min(int.MaxValue, (_options.MaxBufferedBytes / 1024) + 1),
            MessageMaxBytes = 2 * 1024 * 1024,
        };
        foreach (var (key, value) in _options.Producer)
        {
            config.Set(key, value);
        }

        return new ProducerBuilder<Null, byte[]>(config)
            .SetErrorHandler((_, error) => Log.ClientError(_logger, error.Reason))
            .SetLogHandler((_, message) => Log.ClientLog(_logger, message.Facility, message.Message))
            .Build();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var lastFlush = _time.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            Task wake;
            lock (_gate)
            {
                if (_wake.Task.IsCompleted)
                {
                    _wake = NewWake();
                }

                wake = _wake.Task;
                ReportRequeued();
            }

            var remaining = _options.FlushInterval - _time.GetElapsedTime(lastFlush);
            string? trigger = PendingCount() >= _options.BatchSize ? "count" : remaining <= TimeSpan.Zero ? "time" : null;
            if (trigger is null)
            {
                using var delay = CancellationTokenSource.CreateLinkedTokenSource(stop);
                await Task.WhenAny(wake, Task.Delay(remaining, _time, delay.Token)).ConfigureAwait(false);
                await delay.CancelAsync().ConfigureAwait(false);
                continue;
            }

            Flush(trigger);
            lastFlush = _time.GetTimestamp();
        }
    }

    private int PendingCount()
    {
        lock (_gate)
        {
            return _pending.Count;
        }
    }

    // Hands every waiting message to the producer. Only one task flushes at a time: the loop, or the drain after it.
    private void Flush(string trigger)
    {
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            (_pending, _flushing) = (_flushing, _pending);
        }

        _metrics.Flushed(trigger);
        var producer = _producer!;
        var span = FlushSpan.Start(trigger, _flushing);
        int handed = 0;
        for (; handed < _flushing.Count; handed++)
        {
            if (!TryProduce(producer, _flushing[handed], span))
            {
                break;
            }
        }

        if (handed < _flushing.Count)
        {
            int left = _flushing.Count - handed;
            for (int i = 0; i < left; i++)
            {
                span?.Done(failed: false); // waits for the next flush, which gets its own span
            }

            lock (_gate)
            {
                _pending.InsertRange(0, _flushing.GetRange(handed, left));
            }

            Log.LocalQueueFull(_logger, left);
        }

        _flushing.Clear();
    }

    // False when the producer's local queue is full (the message stays waiting); a local refusal of this one
    // message (too large, unknown partition) is its final failure.
    private bool TryProduce(IProducer<Null, byte[]> producer, in PendingMessage pending, FlushSpan? span = null)
    {
        var message = new Message<Null, byte[]> { Value = pending.Value, Timestamp = new Timestamp(pending.Accepted) };
        var held = pending;
        try
        {
            producer.Produce(pending.Topic, message, report =>
            {
                // The flush's span ends before the last sender waiting for this batch hears of it.
                span?.Done(report.Error.IsError);
                OnDelivery(report, held);
            });
            return true;
        }
        catch (ProduceException<Null, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
        {
            return false;
        }
        catch (ProduceException<Null, byte[]> ex)
        {
            Fail(pending, ex.Error);
            span?.Done(failed: true);
            return true;
        }
    }

    // With traces exported: the push request's span (current while it enqueues) notes the acceptance, and is kept with
    // the messages for their flush's span to link to. Null (nothing made) otherwise.
    private static Activity? Buffered(int messages, string topic)
    {
        var request = TracedRequest();
        NoteBuffered(request, messages, topic);
        return request;
    }

    // The push request's span when traces are exported (current while it enqueues), else null.
    private static Activity? TracedRequest() => ProxyTracing.Source.HasListeners() ? Activity.Current : null;

    private static void NoteBuffered(Activity? request, int messages, string topic) =>
        request?.AddEvent(new ActivityEvent(ProxyTracing.BufferedEvent, tags: new ActivityTagsCollection { ["messaging.batch.message_count"] = messages, ["messaging.destination.name"] = topic }));

    // Runs on the producer's delivery thread: quick, and never throws.
    private void OnDelivery(DeliveryReport<Null, byte[]> report, in PendingMessage pending)
    {
        if (!report.Error.IsError)
        {
            Release(pending.Value.Length);
            pending.Segment?.Settle();
            _metrics.Delivered((_time.GetUtcNow() - pending.Accepted).TotalSeconds);
            pending.Tracker?.Report(pending.Index, new MessageDelivery(report.Topic, report.Partition.Value, report.Offset.Value, null, false));
            return;
        }

        // A sender that waits hears of the timeout and decides; the others' messages go back to waiting, still
        // counted as buffered: never silently away.
        if (pending.Tracker is null && report.Error.Code == ErrorCode.Local_MsgTimedOut)
        {
            lock (_gate)
            {
                if (!_finalStop)
                {
                    _pending.Add(pending);
                    _requeuedSinceLog++;
                    _metrics.Requeued();
                    return;
                }
            }
        }

        if (pending.Segment is not null && IsStopped(report.Error.Code))
        {
            // Cut off by the stop, not refused by Kafka: it stays in the spool for the next start.
            pending.Tracker?.Report(pending.Index, new MessageDelivery(pending.Topic, -1, -1, "The gateway stopped before Kafka acknowledged the message; it stays in the spool.", true));
            return;
        }

        Fail(pending, report.Error);
    }

    private bool IsStopped(ErrorCode code)
    {
        lock (_gate)
        {
            return _finalStop || code is ErrorCode.Local_PurgeQueue or ErrorCode.Local_PurgeInflight or ErrorCode.Local_Destroy;
        }
    }

    private void Fail(in PendingMessage pending, Error error)
    {
        Release(pending.Value.Length);
        pending.Segment?.Settle();
        _metrics.Failed(1);
        Log.DeliveryFailed(_logger, pending.Topic, error.Code.ToString(), error.Reason);
        pending.Tracker?.Report(pending.Index, new MessageDelivery(pending.Topic, -1, -1, $"{error.Code}: {error.Reason}", error.Code == ErrorCode.Local_MsgTimedOut));
    }

    private void Release(int bytes)
    {
        lock (_gate)
        {
            _bufferedMessages--;
            _bufferedBytes -= bytes;
            if (_room is not null)
            {
                _room.TrySetResult();
                _room = null;
            }
        }
    }

    // Called under _gate; one line per loop turn instead of one per message during an outage.
    private void ReportRequeued()
    {
        if (_requeuedSinceLog > 0)
        {
            Log.Requeued(_logger, _requeuedSinceLog);
            _requeuedSinceLog = 0;
        }
    }

    private async Task DrainAsync(IProducer<Null, byte[]> producer, CancellationToken cancellationToken)
    {
        Log.Draining(_logger, BufferedMessages, BufferedBytes, _options.DrainTimeout);
        using var deadline = new CancellationTokenSource(_options.DrainTimeout, _time);
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            // Messages that time out while draining come back to waiting; flush again until nothing is held.
            while (BufferedMessages > 0)
            {
                Flush("shutdown");
                await Task.Run(() => producer.Flush(drain.Token), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The drain timeout (or the host's own) ended the wait; what is left is reported below.
        }

        List<PendingMessage> abandoned;
        long messages;
        long bytes;
        lock (_gate)
        {
            _finalStop = true;
            abandoned = _pending;
            _pending = [];
            messages = _bufferedMessages;
            bytes = _bufferedBytes;
        }

        if (messages == 0)
        {
            Log.Drained(_logger);
            return;
        }

        if (_spool is not null)
        {
            Log.SpoolKept(_logger, messages, bytes, _options.DrainTimeout);
        }
        else
        {
            Log.DrainIncomplete(_logger, messages, bytes, _options.DrainTimeout);
            _metrics.Failed(messages);
        }

        foreach (var pending in abandoned)
        {
            pending.Tracker?.Report(pending.Index, new MessageDelivery(pending.Topic, -1, -1, "The gateway stopped before Kafka acknowledged the message.", true));
        }
    }
}
