using Microsoft.Extensions.Options;

namespace KafkaProxy.Core.Flushing;

/// <summary>Checks <see cref="BatchingFlusherOptions"/> at start; every message names the setting and the fix.</summary>
internal sealed class BatchingFlusherOptionsValidator : IValidateOptions<BatchingFlusherOptions>
{
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(24);

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, BatchingFlusherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>(options.ConfigurationProblems);
        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            errors.Add("No Kafka to produce to: set KAFKA_PROXY_KAFKA_SERVER (KafkaProxy:Flusher:BootstrapServers) to 'host:port[,host:port]'.");
        }

        if (!TopicName.IsValid(options.InitialTopic, out string problem))
        {
            errors.Add($"KAFKA_PROXY_TOPIC (KafkaProxy:Flusher:InitialTopic): {problem}. Set it to the topic to produce to.");
        }

        if (options.TopicStateTopic.Length > 0 && !TopicName.IsValid(options.TopicStateTopic, out problem))
        {
            errors.Add($"KafkaProxy:Flusher:TopicStateTopic: {problem}.");
        }

        if (options.BatchSize < 1)
        {
            errors.Add($"KAFKA_FLUSHER_NUM_MESSAGES (KafkaProxy:Flusher:BatchSize) is {options.BatchSize}: it must be at least 1.");
        }

        if (options.MaxBufferedMessages < 1)
        {
            errors.Add($"KafkaProxy:Flusher:MaxBufferedMessages is {options.MaxBufferedMessages}: it must be at least 1.");
        }
        else if (options.BatchSize > options.MaxBufferedMessages)
        {
            errors.Add($"KAFKA_FLUSHER_NUM_MESSAGES ({options.BatchSize}) is larger than KafkaProxy:Flusher:MaxBufferedMessages ({options.MaxBufferedMessages}): a batch could never fill. Lower the batch size or raise the buffer.");
        }

        if (options.MaxBufferedBytes < 1)
        {
            errors.Add($"KafkaProxy:Flusher:MaxBufferedBytes is {options.MaxBufferedBytes}: it must be at least 1.");
        }

        if (options.MaxSpoolBytes < 64 * 1024)
        {
            errors.Add($"KafkaProxy:Flusher:MaxSpoolBytes is {options.MaxSpoolBytes}: it must be at least 65536 (64 KiB).");
        }

        if (options.SpoolDirectory.Length > 0 && options.SpoolDirectory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add($"KAFKA_FLUSHER_SPOOL_DIR (KafkaProxy:Flusher:SpoolDirectory) '{options.SpoolDirectory}' is not a valid path.");
        }

        CheckTimeout(errors, "KAFKA_FLUSHER_TIMEOUT (KafkaProxy:Flusher:FlushInterval)", options.FlushInterval);
        CheckTimeout(errors, "KafkaProxy:Flusher:DrainTimeout", options.DrainTimeout);
        CheckTimeout(errors, "KafkaProxy:Flusher:DeliveryTimeout", options.DeliveryTimeout);
        CheckTimeout(errors, "KafkaProxy:Flusher:TopicStateRefreshInterval", options.TopicStateRefreshInterval);
        foreach (string key in options.Producer.Keys)
        {
            if (key is "bootstrap.servers")
            {
                errors.Add("KafkaProxy:Flusher:Producer sets 'bootstrap.servers': set BootstrapServers (KAFKA_PROXY_KAFKA_SERVER) instead.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckTimeout(List<string> errors, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > MaxTimeout)
        {
            errors.Add($"{setting} is {value}: it must be more than zero and at most 24 days.");
        }
    }
}
