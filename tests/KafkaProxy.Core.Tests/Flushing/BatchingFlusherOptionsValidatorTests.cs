using KafkaProxy.Core.Flushing;

namespace KafkaProxy.Core.Tests.Flushing;

public sealed class BatchingFlusherOptionsValidatorTests
{
    private static BatchingFlusherOptions Valid() => new() { BootstrapServers = "k:9092", InitialTopic = "events" };

    [Fact]
    public void Validate_DefaultsWithServersAndTopic_Succeed()
    {
        var result = new BatchingFlusherOptionsValidator().Validate(null, Valid());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_NothingSet_NamesTheEnvironmentVariables()
    {
        var result = new BatchingFlusherOptionsValidator().Validate(null, new BatchingFlusherOptions());

        Assert.Contains("set KAFKA_PROXY_KAFKA_SERVER", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("KAFKA_PROXY_TOPIC (KafkaProxy:Flusher:InitialTopic): the topic name is empty", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("batch 0", "KAFKA_FLUSHER_NUM_MESSAGES (KafkaProxy:Flusher:BatchSize) is 0")]
    [InlineData("batch over buffer", "KAFKA_FLUSHER_NUM_MESSAGES (200) is larger than KafkaProxy:Flusher:MaxBufferedMessages (100)")]
    [InlineData("interval 0", "KAFKA_FLUSHER_TIMEOUT (KafkaProxy:Flusher:FlushInterval) is 00:00:00")]
    [InlineData("drain negative", "KafkaProxy:Flusher:DrainTimeout is -00:00:01")]
    [InlineData("bytes 0", "KafkaProxy:Flusher:MaxBufferedBytes is 0")]
    [InlineData("bad state topic", "KafkaProxy:Flusher:TopicStateTopic: the topic name contains '/'")]
    [InlineData("bootstrap in producer", "set BootstrapServers (KAFKA_PROXY_KAFKA_SERVER) instead")]
    public void Validate_BadSetting_SaysWhichAndWhy(string @case, string message)
    {
        var options = Valid();
        switch (@case)
        {
            case "batch 0": options.BatchSize = 0; break;
            case "batch over buffer": options.BatchSize = 200; options.MaxBufferedMessages = 100; break;
            case "interval 0": options.FlushInterval = TimeSpan.Zero; break;
            case "drain negative": options.DrainTimeout = TimeSpan.FromSeconds(-1); break;
            case "bytes 0": options.MaxBufferedBytes = 0; break;
            case "bad state topic": options.TopicStateTopic = "a/b"; break;
            case "bootstrap in producer": options.Producer["bootstrap.servers"] = "x:1"; break;
        }

        var result = new BatchingFlusherOptionsValidator().Validate(null, options);

        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }
}
