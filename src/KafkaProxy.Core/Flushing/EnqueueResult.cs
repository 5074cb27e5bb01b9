namespace KafkaProxy.Core.Flushing;

/// <summary>The answer of <see cref="BatchingFlusher.Enqueue"/>.</summary>
/// <param name="Status">Whether the messages were taken.</param>
/// <param name="Topic">The topic they will be produced to (the current topic when they were taken).</param>
/// <param name="Delivery">Their outcome, when delivery tracking was asked for and the messages were taken.</param>
public readonly record struct EnqueueResult(EnqueueStatus Status, string Topic, DeliveryTracker? Delivery);
