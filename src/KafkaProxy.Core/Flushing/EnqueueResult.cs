namespace KafkaProxy.Core.Flushing;

/// <summary>The answer of <see cref="BatchingFlusher.Enqueue"/>.</summary>
internal readonly struct EnqueueResult
{
    internal EnqueueResult(EnqueueStatus status, string topic, DeliveryTracker? tracker)
    {
        Status = status;
        Topic = topic;
        Delivery = tracker?.Completion;
    }

    /// <summary>Whether the messages were taken.</summary>
    public EnqueueStatus Status { get; }

    /// <summary>The topic they will be produced to (the current topic when they were taken).</summary>
    public string Topic { get; }

    /// <summary>
    /// Their outcome, when delivery tracking was asked for and the messages were taken: finishes once each message was
    /// acknowledged or finally failed, with one result per message in the order the messages were given.
    /// </summary>
    public Task<IReadOnlyList<MessageDelivery>>? Delivery { get; }
}
