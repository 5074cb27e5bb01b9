namespace KafkaProxy.Core.Flushing;

/// <summary>What Kafka said about one message: where it was written, or why it was not.</summary>
internal readonly struct MessageDelivery
{
    internal MessageDelivery(string topic, int partition, long offset, string? error, bool timedOut)
    {
        Topic = topic;
        Partition = partition;
        Offset = offset;
        Error = error;
        TimedOut = timedOut;
    }

    /// <summary>The topic the message was produced to.</summary>
    public string Topic { get; }

    /// <summary>The partition written to; -1 when the delivery failed.</summary>
    public int Partition { get; }

    /// <summary>The offset written at; -1 when the delivery failed.</summary>
    public long Offset { get; }

    /// <summary>Kafka's error code and reason when the delivery failed; null on success.</summary>
    public string? Error { get; }

    /// <summary>True when the delivery failed because it was not acknowledged in time.</summary>
    public bool TimedOut { get; }

    /// <summary>True when Kafka acknowledged the message.</summary>
    public bool Succeeded => Error is null;
}
