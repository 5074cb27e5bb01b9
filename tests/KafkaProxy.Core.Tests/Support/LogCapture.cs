using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Tests.Support;

/// <summary>Keeps every log line as "Level EventId Message", with the category it was logged under.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ConcurrentQueue<(string Category, LogLevel Level, int EventId)> Events { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public override string ToString() => string.Join('\n', Lines);

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner.Events.Enqueue((category, logLevel, eventId.Id));
            owner.Lines.Enqueue($"{logLevel} {eventId.Id} {formatter(state, exception)}");
        }
    }
}
