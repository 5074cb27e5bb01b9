namespace KafkaProxy.Core.Flushing;

/// <summary>A message held by the flusher. <see cref="Value"/> is owned by the flusher once accepted.</summary>
internal readonly record struct PendingMessage(string Topic, byte[] Value, DateTimeOffset Accepted, DeliveryTracker? Tracker, int Index);
