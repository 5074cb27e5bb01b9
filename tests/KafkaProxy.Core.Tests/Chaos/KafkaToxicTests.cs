using System.Text.Json;
using KafkaProxy.Core.Chaos;
using KafkaProxy.Core.Chaos.Kafka;

namespace KafkaProxy.Core.Tests.Chaos;

/// <summary>The Kafka-level toxics' attributes, scope and budget (through real clients in the integration tests).</summary>
public sealed class KafkaToxicTests
{
    [Fact]
    public void KafkaError_CountThree_FiresThreeTimesAcrossCallers()
    {
        var toxic = (KafkaErrorToxic)Create("kafka_error", """{"api_key": 0, "error_code": 6, "count": 3}""").Behavior;

        int fired = 0;
        Parallel.For(0, 100, _ =>
        {
            if (toxic.TryFire())
            {
                Interlocked.Increment(ref fired);
            }
        });

        Assert.Equal(3, fired);
        Assert.False(toxic.TryFire());
        Assert.Equal(((short)0, (short)6), (toxic.ApiKey, toxic.ErrorCode));
    }

    [Fact]
    public void NoCountNoWindow_AlwaysFires()
    {
        var toxic = (KafkaToxic)Create("kafka_corrupt", null).Behavior;

        Assert.All(Enumerable.Range(0, 1000), _ => Assert.True(toxic.TryFire()));
    }

    [Fact]
    public async Task DurationPassed_NoLongerFires()
    {
        var toxic = (KafkaToxic)Create("kafka_leader_storm", """{"topic": "orders", "duration_ms": 1}""").Behavior;

        await Task.Delay(50);

        Assert.False(toxic.TryFire());
    }

    [Fact]
    public void Scope_TopicPartitionAndClient_CoverOnlyWhatTheyName()
    {
        var scope = ((KafkaToxic)Create("kafka_duplicate", """{"topic": "orders", "partition": 2, "client_id": "billing"}""").Behavior).Scope;

        Assert.True(scope.Covers("billing", [("audit", 0), ("orders", 2)]));
        Assert.False(scope.Covers("billing", [("orders", 1)]));
        Assert.False(scope.Covers("shipping", [("orders", 2)]));
        Assert.False(scope.Covers("billing", [(null, 2)])); // a topic id the proxy has not seen named
    }

    [Fact]
    public void Attributes_ShownWithDefaults()
    {
        var toxic = Create("kafka_leader_storm", """{"topic": "orders"}""");

        Assert.Equal("""{"topic":"orders","partition":-1,"client_id":null,"count":0,"duration_ms":10000}""", toxic.Attributes.GetRawText());
    }

    [Theory]
    [InlineData("kafka_error", """{"api_key": 18, "error_code": 6}""", "attributes.api_key: 18 is not an api key the proxy answers with errors; it answers 0 (Produce), 1 (Fetch), 19 (CreateTopics)")]
    [InlineData("kafka_error", """{"api_key": 0, "error_code": -2}""", "attributes.error_code: -2 is out of range")]
    [InlineData("kafka_throttle", """{"throttle_ms": 0}""", "attributes.throttle_ms: 0 is out of range")]
    [InlineData("kafka_schema_id", """{"topic": "orders"}""", "attributes.schema_id: missing")]
    [InlineData("kafka_corrupt", """{"partition": -2}""", "attributes.partition: -2 is out of range")]
    [InlineData("kafka_duplicate", """{"acks": 0}""", "attributes.acks: kafka_duplicate has no such attribute")]
    public void BadAttributes_RefusedNamingTheField(string type, string attributes, string message)
    {
        var ex = Assert.Throws<ChaosRequestException>(() => Create(type, attributes));

        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
        Assert.Equal(400, ex.Status);
    }

    private static Toxic Create(string type, string? attributes) =>
        Toxic.Create(null, type, null, null, attributes is null ? default : JsonDocument.Parse(attributes).RootElement.Clone());
}
