using System.Text.RegularExpressions;

namespace KafkaProxy.Core.Filters.Policies;

/// <summary>The rules a Produce request must follow; each check returns why it broke one, or null.</summary>
internal sealed class ProducePolicy(PolicyOptions options)
{
    private readonly Regex? _topicNames = options.CompileTopicNamePattern();

    public string? CheckAcks(short acks) => options.RequireAcks switch
    {
        -1 when acks != -1 => $"policy RequireAcks: acks={acks}, but this proxy requires acks=all (-1)",
        1 when acks == 0 => $"policy RequireAcks: acks=0, but this proxy requires at least the leader's acknowledgement (acks=1 or all)",
        _ => null,
    };

    public string? CheckTopic(string? topic) =>
        _topicNames is not null && (topic is null || !_topicNames.IsMatch(topic))
            ? $"policy TopicNamePattern: topic '{topic}' does not match {options.TopicNamePattern}"
            : null;

    /// <summary>Checks one record batch (magic 2) or message set entry (magic 0/1) as its header says.</summary>
    public string? CheckBatch(int sizeInBytes, byte magic, int compressionCodec, long producerId)
    {
        if (options.MaxRecordBatchBytes is { } max && sizeInBytes > max)
        {
            return $"policy MaxRecordBatchBytes: a record batch of {sizeInBytes} bytes is larger than {max}";
        }

        if (options.RequireIdempotence && (magic < 2 || producerId < 0))
        {
            return "policy RequireIdempotence: the records do not come from an idempotent producer (enable.idempotence=true)";
        }

        if (options.AllowedCompression.Count > 0)
        {
            string codec = (uint)compressionCodec < (uint)PolicyOptions.CompressionCodecs.Length ? PolicyOptions.CompressionCodecs[compressionCodec] : $"codec {compressionCodec}";
            if (!options.AllowedCompression.Contains(codec))
            {
                return $"policy AllowedCompression: the records use {codec}; allowed: {string.Join(", ", options.AllowedCompression)}";
            }
        }

        return null;
    }
}
