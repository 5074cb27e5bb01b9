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
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            errors.Add("No Kafka to produce to: set KAFKA_PROXY_KAFKA_SERVER (BatchingFlusherOptions.BootstrapServers) to 'host:port[,host:port]'.");
        }

        if (!TopicName.IsValid(options.InitialTopic, out string problem))
        {
            errors.Add($"KAFKA_PROXY_TOPIC (BatchingFlusherOptions.InitialTopic): {problem}. Set it to the topic to produce to.");
        }

        if (options.TopicStateTopic.Length > 0 && !TopicName.IsValid(options.TopicStateTopic, out problem))
        {
            errors.Add($"BatchingFlusherOptions.TopicStateTopic: {problem}.");
        }

        if (options.BatchSize < 1)
        {
            errors.Add($"KAFKA_FLUSHER_NUM_MESSAGES (BatchingFlusherOptions.BatchSize) is {options.BatchSize}: it must be at least 1.");
        }

        if (options.MaxBufferedMessages < 1)
        {
            errors.Add($"BatchingFlusherOptions.MaxBufferedMessages is {options.MaxBufferedMessages}: it must be at least 1.");
        }
        else if (options.BatchSize > options.MaxBufferedMessages)
        {
            errors.Add($"KAFKA_FLUSHER_NUM_MESSAGES ({options.BatchSize}) is larger than BatchingFlusherOptions.MaxBufferedMessages ({options.MaxBufferedMessages}): a batch could never fill. Lower the batch size or raise the buffer.");
        }

        if (options.MaxBufferedBytes < 1)
        {
            errors.Add($"BatchingFlusherOptions.MaxBufferedBytes is {options.MaxBufferedBytes}: it must be at least 1.");
        }

        CheckTimeout(errors, "KAFKA_FLUSHER_TIMEOUT (BatchingFlusherOptions.FlushInterval)", options.FlushInterval);
        CheckTimeout(errors, "BatchingFlusherOptions.DrainTimeout", options.DrainTimeout);
        CheckTimeout(errors, "BatchingFlusherOptions.DeliveryTimeout", options.DeliveryTimeout);
        CheckTimeout(errors, "BatchingFlusherOptions.TopicStateRefreshInterval", options.TopicStateRefreshInterval);
        foreach (string key in options.Producer.Keys)
        {
            if (key is "bootstrap.servers")
            {
                errors.Add("BatchingFlusherOptions.Producer sets 'bootstrap.servers': set BootstrapServers (KAFKA_PROXY_KAFKA_SERVER) instead.");
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
