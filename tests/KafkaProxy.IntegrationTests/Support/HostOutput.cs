using System.Collections.Concurrent;
using System.Diagnostics;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>Every line a started host writes to stdout and stderr, read as it comes, so that a test can wait for one.</summary>
internal sealed class HostOutput
{
    private readonly Task _reading;

    public HostOutput(Process host)
    {
        _reading = Task.WhenAll(ReadAsync(host.StandardOutput), ReadAsync(host.StandardError));
    }

    public ConcurrentQueue<string> Lines { get; } = new();

    public override string ToString() => string.Join('\n', Lines);

    /// <summary>Waits until a line with <paramref name="text"/> is written and returns it.</summary>
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

            Assert.False(timeout.IsCancellationRequested, $"no line with '{text}' within {Clients.Patience}:\n{this}");
            Assert.False(_reading.IsCompleted, $"the host ended before a line with '{text}':\n{this}");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until the host has closed both streams (it exited).</summary>
    public Task ClosedAsync() => _reading.WaitAsync(Clients.Patience);

    private async Task ReadAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            Lines.Enqueue(line);
        }
    }
}
