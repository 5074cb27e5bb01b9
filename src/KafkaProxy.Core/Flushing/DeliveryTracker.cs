namespace KafkaProxy.Core.Flushing;

/// <summary>
/// The outcome of every message of one accepted request, for senders that wait for Kafka's acknowledgement.
/// <see cref="Completion"/> finishes once each message was acknowledged or finally failed.
/// </summary>
internal sealed class DeliveryTracker
{
    private readonly MessageDelivery[] _results;
    private readonly TaskCompletionSource<IReadOnlyList<MessageDelivery>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _remaining;

    public DeliveryTracker(int count)
    {
        _results = new MessageDelivery[count];
        _remaining = count;
        if (count == 0)
        {
            _completion.SetResult(_results);
        }
    }

    /// <summary>Finishes with one result per message, in the order the messages were given.</summary>
    public Task<IReadOnlyList<MessageDelivery>> Completion => _completion.Task;

    public void Report(int index, MessageDelivery delivery)
    {
        _results[index] = delivery;
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _completion.TrySetResult(_results);
        }
    }
}
