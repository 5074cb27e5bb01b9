namespace KafkaProxy.Core.Flushing;

/// <summary>What Kafka said about one message: where it was written, or why it was not.</summary>
/// <param name="Topic">The topic the message was produced to.</param>
/// <param name="Partition">The partition written to; -1 when the delivery failed.</param>
/// <param name="Offset">The offset written at; -1 when the delivery failed.</param>
/// <param name="Error">Kafka's error code and reason when the delivery failed; null on success.</param>
/// <param name="TimedOut">True when the delivery failed because it was not acknowledged in time.</param>
public readonly record struct MessageDelivery(string Topic, int Partition, long Offset, string? Error, bool TimedOut)
{
    /// <summary>True when Kafka acknowledged the message.</summary>
    public bool Succeeded => Error is null;
}
