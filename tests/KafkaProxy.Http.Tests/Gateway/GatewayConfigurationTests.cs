using KafkaProxy.Core.Flushing;
using KafkaProxy.Http.Gateway;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace KafkaProxy.Http.Tests.Gateway;

public sealed class GatewayConfigurationTests
{
    private static GatewayConfiguration From(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public void Configure_EnvironmentNamesOfExistingDeployments_SetEveryOption()
    {
        var configuration = From(
            ("KAFKA_PROXY_TOKEN", "t0ken"),
            ("KAFKA_PROXY_KAFKA_SERVER", "k1:9092,k2:9092"),
            ("KAFKA_PROXY_TOPIC", "events"),
            ("KAFKA_FLUSHER_TOPIC_CACHE", "/var/lib/gw/topic"),
            ("KAFKA_FLUSHER_NUM_MESSAGES", "250"),
            ("KAFKA_FLUSHER_TIMEOUT", "2.5"));
        var flusher = new BatchingFlusherOptions();
        var push = new HttpPushOptions();

        configuration.Configure(flusher);
        configuration.Configure(push);

        Assert.Equal("t0ken", push.Token);
        Assert.Equal("k1:9092,k2:9092", flusher.BootstrapServers);
        Assert.Equal("events", flusher.InitialTopic);
        Assert.Equal("/var/lib/gw/topic", flusher.TopicCacheFile);
        Assert.Equal(250, flusher.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(2.5), flusher.FlushInterval);
    }

    [Fact]
    public void Configure_Sections_BindEveryOptionAndProducerSettings_EnvironmentNamesWin()
    {
        var configuration = From(
            ("KafkaProxy:Flusher:BootstrapServers", "from-section:9092"),
            ("KafkaProxy:Flusher:MaxBufferedMessages", "500"),
            ("KafkaProxy:Flusher:Producer:compression.type", "zstd"),
            ("KafkaProxy:HttpPush:MaxMessageBytes", "2048"),
            ("KafkaProxy:HttpPush:MaxInProgressBytes", "33554432"),
            ("KafkaProxy:HttpPush:Token", "section-token"),
            ("KAFKA_PROXY_TOKEN", "env-token"));
        var flusher = new BatchingFlusherOptions();
        var push = new HttpPushOptions();

        configuration.Configure(flusher);
        configuration.Configure(push);

        Assert.Equal("from-section:9092", flusher.BootstrapServers);
        Assert.Equal(500, flusher.MaxBufferedMessages);
        Assert.Equal("zstd", flusher.Producer["compression.type"]);
        Assert.Equal(2048, push.MaxMessageBytes);
        Assert.Equal(32L * 1024 * 1024, push.MaxInProgressBytes);
        Assert.Equal("env-token", push.Token);
    }

    [Theory]
    [InlineData("KAFKA_FLUSHER_NUM_MESSAGES", "ten", "KAFKA_FLUSHER_NUM_MESSAGES is 'ten': it must be a whole number of messages, e.g. 100.")]
    [InlineData("KAFKA_FLUSHER_NUM_MESSAGES", "-5", "KAFKA_FLUSHER_NUM_MESSAGES is '-5'")]
    [InlineData("KAFKA_FLUSHER_TIMEOUT", "5s", "KAFKA_FLUSHER_TIMEOUT is '5s': it must be a number of seconds, e.g. 5 or 0.5.")]
    public void Configure_UnparsableNumber_ValidationFailsNamingTheVariable(string key, string value, string message)
    {
        var configuration = From((key, value));
        var options = new BatchingFlusherOptions { BootstrapServers = "b:9092", InitialTopic = "t" };

        configuration.Configure(options);
        var result = new BatchingFlusherOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures, f => f.Contains(message, StringComparison.Ordinal));
    }
}
