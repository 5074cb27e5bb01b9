using Microsoft.Extensions.Logging;

namespace KafkaProxy.ConsoleHost.Hosting;

/// <summary>
/// A failure to start (a port in use, an address that cannot be bound) is a message for people: the tool prints it as
/// one line and logs its stack only at Debug. The host's own report of it, at Error with the stack, is filtered out.
/// </summary>
internal static partial class StartupFailureLogging
{
    /// <summary>The category under which the generic host logs "Hosting failed to start" with the exception.</summary>
    public const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>Logs <paramref name="exception"/> with its stack at Debug.</summary>
    public static void Log(ILoggerFactory loggerFactory, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        StartFailed(loggerFactory.CreateLogger("KafkaProxy"), exception);
    }

    [LoggerMessage(9002, LogLevel.Debug, "Start-up failed")]
    private static partial void StartFailed(ILogger logger, Exception exception);
}
