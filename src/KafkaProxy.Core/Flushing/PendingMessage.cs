using System.Diagnostics;

namespace KafkaProxy.Core.Flushing;

/// <summary>
/// A message held by the flusher. <see cref="Value"/> is owned by the flusher once accepted. With the spool on,
/// <see cref="Segment"/> is the file it is written in, told when the message is settled. <see cref="Origin"/> is the
/// span of the push request that brought it (null unless traces are exported), which its flush's span links to.
/// </summary>
internal readonly record struct PendingMessage(string Topic, byte[] Value, DateTimeOffset Accepted, DeliveryTracker? Tracker, int Index, SpoolSegment? Segment = null, Activity? Origin = null);
