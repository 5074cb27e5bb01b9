using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Flushing;

// Event ids 3001-3099 (the gateway's flusher). Messages never carry message payloads or tokens.
internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Information, "Flusher started: producing to {Topic} on {BootstrapServers}, batches of {BatchSize} or every {FlushInterval}")]
    public static partial void Started(ILogger logger, string topic, string bootstrapServers, int batchSize, TimeSpan flushInterval);

    [LoggerMessage(3002, LogLevel.Information, "Topic switched from {OldTopic} to {NewTopic}")]
    public static partial void TopicSwitched(ILogger logger, string oldTopic, string newTopic);

    [LoggerMessage(3003, LogLevel.Warning, "{Messages} messages were not acknowledged by Kafka within the delivery timeout; they are queued again")]
    public static partial void Requeued(ILogger logger, int messages);

    [LoggerMessage(3004, LogLevel.Error, "Kafka refused a message for {Topic} ({ErrorCode}: {Reason}); it is not retried")]
    public static partial void DeliveryFailed(ILogger logger, string topic, string errorCode, string reason);

    [LoggerMessage(3005, LogLevel.Information, "Flusher stopping: flushing {Messages} messages ({Bytes} bytes), waiting up to {DrainTimeout}")]
    public static partial void Draining(ILogger logger, long messages, long bytes, TimeSpan drainTimeout);

    [LoggerMessage(3006, LogLevel.Information, "Flusher stopped: every message was delivered")]
    public static partial void Drained(ILogger logger);

    [LoggerMessage(3007, LogLevel.Error, "Flusher stopped with {Messages} messages ({Bytes} bytes) not acknowledged by Kafka within the drain timeout {DrainTimeout}; they are lost")]
    public static partial void DrainIncomplete(ILogger logger, long messages, long bytes, TimeSpan drainTimeout);

    [LoggerMessage(3008, LogLevel.Warning, "The producer's local queue is full; {Messages} messages wait for the next flush")]
    public static partial void LocalQueueFull(ILogger logger, int messages);

    [LoggerMessage(3009, LogLevel.Warning, "Kafka client error: {Reason}")]
    public static partial void ClientError(ILogger logger, string reason);

    [LoggerMessage(3011, LogLevel.Debug, "librdkafka {Facility}: {Message}")]
    public static partial void ClientLog(ILogger logger, string facility, string message);

    [LoggerMessage(3012, LogLevel.Warning, "Could not read the shared topic state; keeping the current topic: {Reason}")]
    public static partial void TopicRefreshFailed(ILogger logger, string reason);

    [LoggerMessage(3010, LogLevel.Information, "Topic {Topic} read from {Store}")]
    public static partial void TopicLoaded(ILogger logger, string topic, string store);

    [LoggerMessage(3013, LogLevel.Information, "Spool {Directory}: {Segments} segments ({Bytes} bytes) left by the last run; their messages are produced again before new requests are taken")]
    public static partial void SpoolFound(ILogger logger, string directory, int segments, long bytes);

    [LoggerMessage(3014, LogLevel.Warning, "Spool segment {Path} has a torn tail at offset {Offset} (a write cut short by a crash, or damage): {Bytes} bytes cut off; no message answered 200 was in them unless the disk lost acknowledged writes")]
    public static partial void SpoolTornTail(ILogger logger, string path, long offset, long bytes);

    [LoggerMessage(3015, LogLevel.Error, "Could not write to the spool {Directory}: {Requests} requests ({Messages} messages) answered 503 and not taken: {Reason}")]
    public static partial void SpoolWriteFailed(ILogger logger, string directory, int requests, int messages, string reason);

    [LoggerMessage(3016, LogLevel.Information, "Spool replay done: {Messages} messages from the last run handed to the producer; taking new requests")]
    public static partial void SpoolReplayed(ILogger logger, long messages);

    [LoggerMessage(3017, LogLevel.Warning, "Could not delete the settled spool segment {Path}; its messages will be produced again at the next start: {Reason}")]
    public static partial void SpoolDeleteFailed(ILogger logger, string path, string reason);

    [LoggerMessage(3018, LogLevel.Warning, "Flusher stopped with {Messages} messages ({Bytes} bytes) not acknowledged by Kafka within the drain timeout {DrainTimeout}; they stay in the spool and are produced at the next start")]
    public static partial void SpoolKept(ILogger logger, long messages, long bytes, TimeSpan drainTimeout);

    [LoggerMessage(3019, LogLevel.Information, "Spool on at {Directory}: every request is on disk before it is answered 200 (at most {MaxBytes} bytes)")]
    public static partial void SpoolOpened(ILogger logger, string directory, long maxBytes);
}
