using System.Text;
using System.Text.Json;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Configuration.Binding;
using KafkaProxy.Core.Filters.Audit;
using Microsoft.Extensions.Configuration;

namespace KafkaProxy.Core.Tests.Filters;

public sealed class AuditConfigurationTests
{
    [Fact]
    public void Bind_AuditSection_BindsNamesAndNumbersAndValidates()
    {
        var options = Bind("""{"Path":"/var/log/audit.jsonl","Logger":true,"ApiKeys":"produce,1,Metadata,19","Capacity":50}""");

        Assert.True(new KafkaProxyOptionsValidator().Validate(null, options).Succeeded);
        var audit = options.Audit;
        Assert.Equal(("/var/log/audit.jsonl", true, 50), (audit.Path, audit.Logger, audit.Capacity));
        Assert.Equal([0, 1, 3, 19], audit.ApiKeys.Select(k => (int)k));
        Assert.True(audit.Enabled);
    }

    [Fact]
    public void Defaults_Off_ProduceAndCreateTopics()
    {
        var audit = new KafkaProxyOptions().Audit;

        Assert.False(audit.Enabled);
        Assert.Equal([0, 19], audit.ApiKeys.Select(k => (int)k));
        Assert.Equal(10_000, audit.Capacity);
    }

    [Theory]
    [InlineData("""{"ApiKeys":["Produce","Fletch"]}""", "KafkaProxy:Audit:ApiKeys: 'Fletch' is not an api key")]
    [InlineData("""{"Capacity":0}""", "KafkaProxy:Audit:Capacity is 0")]
    [InlineData("""{"Logger":"yes"}""", "KafkaProxy:Audit:Logger")]
    [InlineData("""{"Path":"a.jsonl","ApiKeys":[]}""", "KafkaProxy:Audit:ApiKeys is empty")]
    [InlineData("""{"Pth":"a.jsonl"}""", "KafkaProxy:Audit:Pth is not a setting")]
    public void Bind_BadAudit_FailsNamingTheKey(string section, string expected)
    {
        var options = Bind(section);

        var result = new KafkaProxyOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void AuditLine_TopicIdsAndClientStrings_WrittenAsKafkaPrintsThemAndEscaped()
    {
        var record = AuditSinkTests.Record(3);
        record.Topics = [new AuditTopic(null, new Guid("00010203-0405-0607-0809-0a0b0c0d0e0f"), [1])];
        record.Result = 44;
        record.AnsweredByProxy = true;
        var withQuotes = new AuditRecord
        {
            Time = record.Time, ConnectionId = 1, Client = null, Listener = null, Broker = "b:1", Principal = "al\"ice", ClientId = "line\nbreak",
            ApiKey = 1000, ApiVersion = 0, CorrelationId = 1, RequestBytes = null,
        };

        var line = Write(record);
        var other = Write(withQuotes);

        // Kafka's Uuid.toString(): URL-safe base64 of the 16 bytes, in wire order, unpadded.
        Assert.Equal("AAECAwQFBgcICQoLDA0ODw", line.GetProperty("topics")[0].GetProperty("topic_id").GetString());
        Assert.False(line.GetProperty("topics")[0].TryGetProperty("name", out _));
        Assert.Equal(44, line.GetProperty("result").GetInt32());
        Assert.True(line.GetProperty("answered_by_proxy").GetBoolean());
        Assert.Equal("2026-11-29T10:00:00.123Z", line.GetProperty("time").GetString());
        Assert.Equal("Produce", line.GetProperty("api_name").GetString());
        Assert.Equal(("al\"ice", "line\nbreak"), (other.GetProperty("principal").GetString(), other.GetProperty("client_id").GetString()));
        Assert.Equal(JsonValueKind.Null, other.GetProperty("api_name").ValueKind);
        Assert.Equal(JsonValueKind.Null, other.GetProperty("topics").ValueKind);
        Assert.Equal(JsonValueKind.Null, other.GetProperty("result").ValueKind);
        Assert.Equal(JsonValueKind.Null, other.GetProperty("request_bytes").ValueKind);
    }

    private static JsonElement Write(AuditRecord record)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            AuditLine.Write(json, record);
        }

        string text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.DoesNotContain('\n', text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static KafkaProxyOptions Bind(string auditSection)
    {
        string json = """{"KafkaProxy":{"Brokers":["b:1,127.0.0.1:0"],"Audit":SECTION}}""".Replace("SECTION", auditSection, StringComparison.Ordinal);
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var options = new KafkaProxyOptions();
        KafkaProxyOptionsBinder.Bind(configuration.GetSection("KafkaProxy"), options);
        return options;
    }
}
