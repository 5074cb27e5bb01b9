using System.Diagnostics;

namespace KafkaProxy.Core.Flushing;

/// <summary>
/// One request's messages on their way into the spool. <see cref="Durable"/> finishes true once they are on disk
/// (written and fsynced), false when the write failed and nothing of them counts as taken.
/// </summary>
internal sealed class SpoolAppend(string topic, IReadOnlyList<byte[]> messages, DateTimeOffset accepted, DeliveryTracker? tracker, long reservedBytes, Activity? origin = null)
{
    private readonly TaskCompletionSource<bool> _durable = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Topic { get; } = topic;

    public IReadOnlyList<byte[]> Messages { get; } = messages;

    public DateTimeOffset Accepted { get; } = accepted;

    public DeliveryTracker? Tracker { get; } = tracker;

    /// <summary>The push request's span (null unless traces are exported), which the messages' flush links to.</summary>
    public Activity? Origin { get; } = origin;

    /// <summary>Spool bytes reserved for these messages and a topic record.</summary>
    public long ReservedBytes { get; } = reservedBytes;

    public Task<bool> Durable => _durable.Task;

    public void Complete(bool durable) => _durable.TrySetResult(durable);

    /// <summary>The bytes the spool needs at most for <paramref name="messages"/> of <paramref name="topic"/>.</summary>
    public static long BytesFor(string topic, IReadOnlyList<byte[]> messages)
    {
        long bytes = SpoolFormat.TopicRecordBytes(topic);
        for (int i = 0; i < messages.Count; i++)
        {
            bytes += SpoolFormat.MessageRecordBytes(messages[i].Length);
        }

        return bytes;
    }
}
