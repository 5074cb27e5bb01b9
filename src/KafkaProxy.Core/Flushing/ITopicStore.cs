namespace KafkaProxy.Core.Flushing;

/// <summary>Where the gateway's current topic survives restarts.</summary>
public interface ITopicStore
{
    /// <summary>The stored topic, or null when none was stored yet.</summary>
    ValueTask<string?> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="topic"/> durably; the switch counts as done only after this returns.</summary>
    ValueTask SaveAsync(string topic, CancellationToken cancellationToken);
}
