using Microsoft.AspNetCore.Http;

namespace KafkaProxy.Http.Gateway;

/// <summary>Why a push request was refused: the status, a fixed reason label for metrics, and a one-line message.</summary>
internal sealed record PushRejection(int StatusCode, string Reason, string Message)
{
    public static PushRejection Unauthorized() =>
        new(StatusCodes.Status401Unauthorized, "unauthorized", "Missing or wrong x-kafka-proxy-token header.");

    public static PushRejection Malformed(string message) => new(StatusCodes.Status400BadRequest, "malformed", message);

    public static PushRejection BadTopic(string problem) => new(StatusCodes.Status400BadRequest, "bad_topic", $"Bad topic: {problem}.");

    public static PushRejection TooLarge(string message) => new(StatusCodes.Status413PayloadTooLarge, "too_large", message);

    public static PushRejection RequestTooLarge(long limit) =>
        TooLarge($"The body is larger than the limit of {limit} bytes per request: split it into several requests.");

    public static PushRejection UnsupportedMediaType(string? contentType) =>
        new(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", contentType is null
            ? "No Content-Type: send the body as application/octet-stream."
            : $"Content-Type '{Shorten(contentType)}' is not supported: send the body as application/octet-stream.");

    public static PushRejection BufferFull() =>
        new(StatusCodes.Status503ServiceUnavailable, "buffer_full", "The gateway's buffer is full: retry after the time in Retry-After.");

    public static PushRejection NotRunning() =>
        new(StatusCodes.Status503ServiceUnavailable, "not_running", "The gateway is not accepting messages now (starting or shutting down): retry later.");

    private static string Shorten(string value) => value.Length <= 100 ? value : value[..100] + "...";
}
