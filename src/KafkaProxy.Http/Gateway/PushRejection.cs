using Microsoft.AspNetCore.Http;

namespace KafkaProxy.Http.Gateway;

/// <summary>Why a push request was refused: the status, a fixed reason label for metrics, and a one-line message.</summary>
internal sealed record PushRejection(int StatusCode, string Reason, string Message)
{
    /// <summary>nginx's "client closed request": the client went away before the answer, so none is sent.</summary>
    public const int ClientClosedRequest = 499;

    public static PushRejection Unauthorized() =>
        new(StatusCodes.Status401Unauthorized, "unauthorized", "Missing or wrong x-kafka-proxy-token header.");

    public static PushRejection Malformed(string message) => new(StatusCodes.Status400BadRequest, "malformed", message);

    public static PushRejection BadTopic(string problem) => new(StatusCodes.Status400BadRequest, "bad_topic", $"Bad topic: {problem}.");

    public static PushRejection TooLarge(string message) => new(StatusCodes.Status413PayloadTooLarge, "too_large", message);

    public static PushRejection RequestTooLarge(long limit) =>
        TooLarge($"The body is larger than the limit of {limit} bytes per request: split it into several requests.");

    public static PushRejection ExceedsBuffer(int maxMessages, long maxBytes) =>
        TooLarge($"The request holds more than the gateway's whole buffer ({maxMessages} messages, {maxBytes} bytes): split it.");

    public static PushRejection ExceedsInProgressLimit(long limit) =>
        TooLarge($"The request needs more memory while it is read than all requests in progress may hold together ({limit} bytes, KafkaProxy:HttpPush:MaxInProgressBytes): split it.");

    public static PushRejection BodyUnreadable(int statusCode, string problem) =>
        new(statusCode, "malformed", $"The body could not be read: {problem}");

    public static PushRejection BodyTimeout() =>
        new(StatusCodes.Status408RequestTimeout, "body_timeout",
            "The body arrived too slowly (below the server's minimum data rate, Kestrel's MinRequestBodyDataRate): send it without pauses, or in smaller requests.");

    public static PushRejection ClientClosed() =>
        new(ClientClosedRequest, "client_closed", "The client closed the connection before the body ended.");

    public static PushRejection UnsupportedMediaType(string? contentType) =>
        new(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", contentType is null
            ? "No Content-Type: send the body as application/octet-stream."
            : $"Content-Type '{Shorten(contentType)}' is not supported: send the body as application/octet-stream.");

    public static PushRejection BufferFull() =>
        new(StatusCodes.Status503ServiceUnavailable, "buffer_full", "The gateway's buffer is full: retry after the time in Retry-After.");

    public static PushRejection SpoolFull() =>
        new(StatusCodes.Status503ServiceUnavailable, "spool_full", "The gateway's disk spool is full (KafkaProxy:Flusher:MaxSpoolBytes): retry after the time in Retry-After.");

    public static PushRejection SpoolFailed() =>
        new(StatusCodes.Status503ServiceUnavailable, "spool_failed", "The gateway could not write the messages to its disk spool; nothing was taken: retry after the time in Retry-After.");

    public static PushRejection InProgressFull() =>
        new(StatusCodes.Status503ServiceUnavailable, "in_progress_full",
            "The gateway is reading as many request bodies as its memory for requests in progress allows: retry after the time in Retry-After.");

    public static PushRejection NotRunning() =>
        new(StatusCodes.Status503ServiceUnavailable, "not_running", "The gateway is not accepting messages now (starting or shutting down): retry later.");

    private static string Shorten(string value) => value.Length <= 100 ? value : value[..100] + "...";
}
