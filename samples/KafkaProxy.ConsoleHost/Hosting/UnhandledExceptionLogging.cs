using Microsoft.Extensions.Logging;

namespace KafkaProxy.ConsoleHost.Hosting;

/// <summary>
/// Logs exceptions that escape every handler (connections contain their own) before the runtime ends the process
/// with a non-zero exit code.
/// </summary>
internal static partial class UnhandledExceptionLogging
{
    /// <summary>Logs unhandled exceptions of this process through <paramref name="loggerFactory"/>, then disposes it so that buffered log lines are written.</summary>
    public static void Register(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger("KafkaProxy");
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            Unhandled(logger, e.ExceptionObject as Exception);
            loggerFactory.Dispose();
        };
    }

    [LoggerMessage(9001, LogLevel.Critical, "Unhandled exception: the process exits")]
    private static partial void Unhandled(ILogger logger, Exception? exception);
}
