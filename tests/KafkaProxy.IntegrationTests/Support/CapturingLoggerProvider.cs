using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>Keeps every log line, so tests can assert on what the proxy logged (and show it when they fail).</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>Every event with the category it was logged under.</summary>
    public ConcurrentQueue<(string Category, LogLevel Level, int EventId)> Events { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public override string ToString() => string.Join('\n', Lines);

    /// <summary>Waits until a line with <paramref name="text"/> is logged (logging runs apart from what a client sees) and returns it.</summary>
    public async Task<string> WaitForLineAsync(string text)
    {
        using var timeout = new CancellationTokenSource(Clients.Patience);
        while (true)
        {
            string? line = Lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null)
            {
                return line;
            }

            Assert.False(timeout.IsCancellationRequested, $"no log line with '{text}' within {Clients.Patience}:\n{this}");
            await Task.Delay(20);
        }
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner.Events.Enqueue((category, logLevel, eventId.Id));
            owner.Lines.Enqueue($"{logLevel} {eventId.Id} {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception)}");
        }
    }
}
