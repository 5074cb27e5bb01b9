using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Filters.Audit;

internal static partial class Log
{
    [LoggerMessage(1032, LogLevel.Warning, "Dropped {Count} audit lines: the audit queue ({Setting} = {Capacity}) was full or its file could not be written. Traffic was not held up; the total is proxy_audit_dropped_total")]
    public static partial void AuditLinesDropped(ILogger logger, long count, string setting, int capacity);

    [LoggerMessage(1033, LogLevel.Error, "Appending audit lines to {Setting} '{Path}' failed: {Reason}. Those lines are lost and counted; the next ones are tried again")]
    public static partial void AuditWriteFailed(ILogger logger, Exception exception, string setting, string? path, string reason);

    [LoggerMessage(1034, LogLevel.Information, "{AuditLine}")]
    public static partial void AuditLine(ILogger logger, string auditLine);
}
