using System.Globalization;
using KafkaProxy.Core.Flushing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace KafkaProxy.Http.Gateway;

/// <summary>
/// Reads the gateway's settings from configuration: the sections <c>KafkaProxy:Flusher</c> and
/// <c>KafkaProxy:HttpPush</c>, then the environment names existing deployments use (<c>KAFKA_PROXY_TOKEN</c>,
/// <c>KAFKA_PROXY_KAFKA_SERVER</c>, <c>KAFKA_PROXY_TOPIC</c>, <c>KAFKA_FLUSHER_TOPIC_CACHE</c>,
/// <c>KAFKA_FLUSHER_SPOOL_DIR</c>, <c>KAFKA_FLUSHER_NUM_MESSAGES</c>, <c>KAFKA_FLUSHER_TIMEOUT</c> in seconds), which win when set.
/// </summary>
internal sealed class GatewayConfiguration(IConfiguration configuration) : IConfigureOptions<BatchingFlusherOptions>, IConfigureOptions<HttpPushOptions>
{
    public const string FlusherSection = "KafkaProxy:Flusher";
    public const string HttpPushSection = "KafkaProxy:HttpPush";

    public void Configure(BatchingFlusherOptions options)
    {
        BatchingFlusherOptionsBinder.Bind(configuration.GetSection(FlusherSection), options);
        if (Read("KAFKA_PROXY_KAFKA_SERVER") is { } servers)
        {
            options.BootstrapServers = servers;
        }

        if (Read("KAFKA_PROXY_TOPIC") is { } topic)
        {
            options.InitialTopic = topic;
        }

        if (Read("KAFKA_FLUSHER_TOPIC_CACHE") is { } cache)
        {
            options.TopicCacheFile = cache;
        }

        if (Read("KAFKA_FLUSHER_SPOOL_DIR") is { } spool)
        {
            options.SpoolDirectory = spool;
        }

        if (Read("KAFKA_FLUSHER_NUM_MESSAGES") is { } count)
        {
            if (int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            {
                options.BatchSize = n;
            }
            else
            {
                options.ConfigurationProblems.Add($"KAFKA_FLUSHER_NUM_MESSAGES is '{count}': it must be a whole number of messages, e.g. 100.");
            }
        }

        if (Read("KAFKA_FLUSHER_TIMEOUT") is { } timeout)
        {
            if (double.TryParse(timeout, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds) && seconds <= TimeSpan.MaxValue.TotalSeconds)
            {
                options.FlushInterval = TimeSpan.FromSeconds(seconds);
            }
            else
            {
                options.ConfigurationProblems.Add($"KAFKA_FLUSHER_TIMEOUT is '{timeout}': it must be a number of seconds, e.g. 5 or 0.5.");
            }
        }
    }

    public void Configure(HttpPushOptions options)
    {
        HttpPushOptionsBinder.Bind(configuration.GetSection(HttpPushSection), options);
        if (Read("KAFKA_PROXY_TOKEN") is { } token)
        {
            options.Token = token;
        }
    }

    private string? Read(string key) => configuration[key] is { Length: > 0 } value ? value : null;
}
