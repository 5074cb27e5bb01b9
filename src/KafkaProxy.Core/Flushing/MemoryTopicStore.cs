namespace KafkaProxy.Core.Flushing;

/// <summary>Keeps the topic in memory only: used when no cache file is configured.</summary>
internal sealed class MemoryTopicStore : ITopicStore
{
    private string? _topic;

    public ValueTask<string?> LoadAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Volatile.Read(ref _topic));

    public ValueTask SaveAsync(string topic, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _topic, topic);
        return ValueTask.CompletedTask;
    }
}
