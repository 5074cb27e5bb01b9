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
}
