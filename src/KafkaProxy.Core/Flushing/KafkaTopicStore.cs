using System.Diagnostics.CodeAnalysis;
using Confluent.Kafka;

namespace KafkaProxy.Core.Flushing;

/// <summary>
/// Keeps the topic in a Kafka topic (compacted, one partition) so that several gateway replicas agree on it: a save
/// writes a record keyed <see cref="RecordKey"/> and waits for <c>acks=all</c>; a load reads the partition up to its
/// end and takes the last record with that key. Replicas load again every
/// <see cref="BatchingFlusherOptions.TopicStateRefreshInterval"/>.
/// </summary>
internal sealed class KafkaTopicStore : ITopicStore, IDisposable
{
    /// <summary>The key of the records this store writes.</summary>
    public const string RecordKey = "current-topic";

    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);
    private readonly string _stateTopic;
    private readonly ConsumerConfig _consumerConfig;
    private readonly IProducer<string, string> _producer;

    /// <summary>Stores the topic in <paramref name="stateTopic"/> of the cluster at <paramref name="bootstrapServers"/>.</summary>
    /// <param name="bootstrapServers">The cluster.</param>
    /// <param name="stateTopic">A compacted topic with one partition.</param>
    /// <param name="clientSettings">librdkafka settings shared with the gateway's producer (security, for one).</param>
    // Confluent.Kafka binds librdkafka by finding its P/Invoke methods with reflection; the dependencies keep those
    // methods in trimmed and native AOT apps, where they would otherwise be removed as unused.
    [DynamicDependency(DynamicallyAccessedMemberTypes.NonPublicMethods, "Confluent.Kafka.Impl.NativeMethods.NativeMethods", "Confluent.Kafka")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.NonPublicMethods, "Confluent.Kafka.Impl.NativeMethods.NativeMethods_Centos8", "Confluent.Kafka")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.NonPublicMethods, "Confluent.Kafka.Impl.NativeMethods.NativeMethods_Alpine", "Confluent.Kafka")]
    public KafkaTopicStore(string bootstrapServers, string stateTopic, IEnumerable<KeyValuePair<string, string>>? clientSettings = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        ArgumentException.ThrowIfNullOrWhiteSpace(stateTopic);
        _stateTopic = stateTopic;
        var producerConfig = new ProducerConfig { BootstrapServers = bootstrapServers, Acks = Acks.All, EnableIdempotence = true, ClientId = "kafka-proxy-gateway-state" };
        _consumerConfig = new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "kafka-proxy-gateway-state", EnableAutoCommit = false, ClientId = "kafka-proxy-gateway-state" };
        foreach (var (key, value) in clientSettings ?? [])
        {
            if (IsSharedSetting(key))
            {
                producerConfig.Set(key, value);
                _consumerConfig.Set(key, value);
            }
        }

        _producer = new ProducerBuilder<string, string>(producerConfig).SetLogHandler((_, _) => { }).Build();
    }

    /// <inheritdoc/>
    public ValueTask<string?> LoadAsync(CancellationToken cancellationToken) => new(Task.Run(ReadLatest, cancellationToken));

    /// <inheritdoc/>
    public async ValueTask SaveAsync(string topic, CancellationToken cancellationToken)
    {
        await _producer.ProduceAsync(_stateTopic, new Message<string, string> { Key = RecordKey, Value = topic }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose() => _producer.Dispose();

    // Settings that concern the connection (security, timeouts), not producer- or consumer-only behaviour.
    private static bool IsSharedSetting(string key) =>
        key.StartsWith("security.", StringComparison.Ordinal) || key.StartsWith("sasl.", StringComparison.Ordinal)
        || key.StartsWith("ssl.", StringComparison.Ordinal) || key.StartsWith("socket.", StringComparison.Ordinal);

    private string? ReadLatest()
    {
        using var consumer = new ConsumerBuilder<string, string>(_consumerConfig).SetLogHandler((_, _) => { }).Build();
        var partition = new TopicPartition(_stateTopic, 0);
        var end = consumer.QueryWatermarkOffsets(partition, ReadTimeout).High;
        if (end.Value <= 0)
        {
            return null;
        }

        consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        string? latest = null;
        var deadline = DateTime.UtcNow + ReadTimeout;
        while (true)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is { } message)
            {
                if (message.Key == RecordKey && message.Value is { } value && TopicName.IsValid(value, out _))
                {
                    latest = value;
                }

                if (result.Offset.Value + 1 >= end.Value)
                {
                    return latest;
                }
            }
            else if (DateTime.UtcNow > deadline)
            {
                throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"Reading the gateway's state topic {_stateTopic} did not reach its end within {ReadTimeout.TotalSeconds} s."));
            }
        }
    }
}
