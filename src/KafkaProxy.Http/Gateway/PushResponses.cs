using System.Globalization;
using System.Text.Json;
using KafkaProxy.Core.Flushing;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace KafkaProxy.Http.Gateway;

/// <summary>
/// Writes the gateway's answers: one line of text, or JSON when the client asked for it with
/// <c>Accept: application/json</c> (wait-mode answers are always JSON: they carry offsets).
/// </summary>
internal static class PushResponses
{
    private const string Json = "application/json";

    public static Task MessagesReceived(HttpContext context, int count) =>
        WantsJson(context.Request)
            ? WriteJson(context, StatusCodes.Status200OK, w => w.WriteNumber("messages", count))
            : WriteText(context, StatusCodes.Status200OK, count == 1 ? "1 message received" : $"{count} messages received");

    public static Task TopicChanged(HttpContext context, string topic) =>
        WantsJson(context.Request)
            ? WriteJson(context, StatusCodes.Status200OK, w => w.WriteString("topic", topic))
            : WriteText(context, StatusCodes.Status200OK, $"Topic changed to {topic}");

    public static Task Deliveries(HttpContext context, int statusCode, IReadOnlyList<MessageDelivery> deliveries, string? error) =>
        WriteJson(context, statusCode, w =>
        {
            if (error is not null)
            {
                w.WriteString("error", error);
            }

            w.WriteNumber("messages", deliveries.Count);
            w.WriteStartArray("offsets");
            foreach (var delivery in deliveries)
            {
                w.WriteStartObject();
                w.WriteString("topic", delivery.Topic);
                w.WriteNumber("partition", delivery.Partition);
                w.WriteNumber("offset", delivery.Offset);
                if (delivery.Error is not null)
                {
                    w.WriteString("error", delivery.Error);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        });

    public static Task Error(HttpContext context, int statusCode, string message, TimeSpan? retryAfter = null)
    {
        if (retryAfter is { } delay)
        {
            context.Response.Headers.RetryAfter = ((long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return WantsJson(context.Request)
            ? WriteJson(context, statusCode, w => w.WriteString("error", message))
            : WriteText(context, statusCode, message);
    }

    private static bool WantsJson(HttpRequest request)
    {
        foreach (var accept in request.GetTypedHeaders().Accept)
        {
            if (accept.MediaType.Equals(Json, StringComparison.OrdinalIgnoreCase) && accept.Quality is not 0)
            {
                return true;
            }
        }

        return false;
    }

    private static Task WriteText(HttpContext context, int statusCode, string text)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    private static async Task WriteJson(HttpContext context, int statusCode, Action<Utf8JsonWriter> writeProperties)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = Json + "; charset=utf-8";
        using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
            writer.Flush();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    internal static bool IsOctetStream(string? contentType) =>
        contentType is not null
        && MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase);
}
