using Microsoft.Extensions.Logging;

namespace KafkaProxy.Http.Gateway;

// Event ids 5001-5099 (the push endpoints), under one category. A client's broken or abandoned request is the client's
// error: logged below Warning, without a stack. Messages never carry message payloads or tokens.
internal static partial class Log
{
    /// <summary>The push endpoints' logger category.</summary>
    public const string Category = "KafkaProxy.Gateway";

    [LoggerMessage(5001, LogLevel.Debug, "Push request {RequestId}: its body could not be read after {Bytes} bytes ({Problem}); refused with {StatusCode}, nothing was queued")]
    public static partial void BodyUnreadable(ILogger logger, string requestId, int statusCode, long bytes, string problem);

    [LoggerMessage(5002, LogLevel.Debug, "Push request {RequestId}: the client closed the connection after {Bytes} bytes of the body; nothing was queued")]
    public static partial void ClientClosed(ILogger logger, string requestId, long bytes);
}
