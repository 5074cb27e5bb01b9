using System.Buffers.Text;
using System.Text.Json;
using KafkaProxy.Protocol.Headers;

namespace KafkaProxy.Core.Filters.Audit;

/// <summary>
/// Writes an <see cref="AuditRecord"/> as one JSON object (the writer adds the line end). Field names are snake_case and
/// stable: operators' parsers depend on them (docs/filters.md, "Audit"). Topic ids are written as Kafka writes them:
/// the 16 bytes in URL-safe base64 without padding.
/// </summary>
internal static class AuditLine
{
    private static readonly string?[] ApiNames = [.. Enumerable.Range(0, KafkaApis.MaxKnownApiKey + 1)
        .Select(k => Enum.IsDefined((ApiKey)k) ? ((ApiKey)k).ToString() : null)];

    public static void Write(Utf8JsonWriter json, AuditRecord record)
    {
        json.WriteStartObject();
        json.WriteString("time", record.Time.UtcDateTime);
        json.WriteNumber("connection", record.ConnectionId);
        json.WriteString("client", record.Client);
        json.WriteString("listener", record.Listener);
        json.WriteString("broker", record.Broker);
        json.WriteString("principal", record.Principal);
        json.WriteString("client_id", record.ClientId);
        json.WriteNumber("api_key", record.ApiKey);
        json.WriteString("api_name", ApiName(record.ApiKey));
        json.WriteNumber("api_version", record.ApiVersion);
        json.WriteNumber("correlation_id", record.CorrelationId);
        if (record.Topics is { } topics)
        {
            json.WriteStartArray("topics");
            foreach (var topic in topics)
            {
                json.WriteStartObject();
                if (topic.Name is not null || topic.Id is null)
                {
                    json.WriteString("name", topic.Name);
                }

                if (topic.Id is { } id)
                {
                    json.WriteString("topic_id", TopicId(id));
                }

                json.WriteStartArray("partitions");
                foreach (int partition in topic.Partitions)
                {
                    json.WriteNumberValue(partition);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }
        else
        {
            json.WriteNull("topics");
        }

        WriteNumberOrNull(json, "request_bytes", record.RequestBytes);
        WriteNumberOrNull(json, "response_bytes", record.ResponseBytes);
        WriteNumberOrNull(json, "result", record.Result);
        json.WriteBoolean("answered_by_proxy", record.AnsweredByProxy);
        if (record.Closed is { } closed)
        {
            json.WriteString("closed", closed);
        }

        if (record.DurationMs is { } duration)
        {
            json.WriteNumber("duration_ms", Math.Round(duration, 3));
        }
        else
        {
            json.WriteNull("duration_ms");
        }

        json.WriteEndObject();
    }

    public static string? ApiName(short apiKey) => (uint)apiKey < (uint)ApiNames.Length ? ApiNames[apiKey] : null;

    /// <summary>A topic id as Kafka prints it (<c>Uuid.toString()</c>): URL-safe base64 of its 16 bytes, unpadded.</summary>
    public static string TopicId(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return Base64Url.EncodeToString(bytes);
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
