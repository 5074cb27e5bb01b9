using System.Diagnostics;
using System.Threading.Channels;

namespace KafkaProxy.Load.Hosting;

/// <summary>
/// A process this program started: stdout lines can be awaited, stderr is kept (the last lines) for error messages,
/// and stopping closes stdin first, then kills what is still running. Both streams are also copied to a log file.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int KeptErrorLines = 40;

    private readonly Process _process;
    private readonly Channel<string> _stdout = Channel.CreateUnbounded<string>();
    private readonly Queue<string> _stderr = new();
    private readonly string _name;
    private readonly StreamWriter _log;

    private ChildProcess(string name, Process process, StreamWriter log)
    {
        _name = name;
        _process = process;
        _log = log;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string logPath, IReadOnlyList<string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (string variable in environment ?? [])
        {
            int equals = variable.IndexOf('=', StringComparison.Ordinal);
            info.Environment[variable[..equals]] = variable[(equals + 1)..];
        }

        // The children run Release builds with the default (workstation, concurrent) GC, as a user would.
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        log.WriteLine($"# {fileName} {string.Join(' ', info.ArgumentList)}");
        var child = new ChildProcess(name, process, log);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                child._stdout.Writer.TryComplete();
            }
            else
            {
                child.WriteLog(e.Data);
                child._stdout.Writer.TryWrite(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            child.WriteLog(e.Data);
            lock (child._stderr)
            {
                child._stderr.Enqueue(e.Data);
                while (child._stderr.Count > KeptErrorLines)
                {
                    child._stderr.Dequeue();
                }
            }
        };

        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {name} ({fileName})");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the first stdout line starting with <paramref name="prefix"/> and returns the rest of it.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await foreach (string line in _stdout.Reader.ReadAllAsync(deadline.Token))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line[prefix.Length..];
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_name} printed no line starting with '{prefix}' within {timeout}.{ErrorTail()}");
        }

        throw new InvalidOperationException($"{_name} exited before printing a line starting with '{prefix}'.{ErrorTail()}");
    }

    /// <summary>The last lines the process wrote to stderr, for error messages.</summary>
    public string ErrorTail()
    {
        lock (_stderr)
        {
            return _stderr.Count == 0 ? string.Empty : $" Its last stderr lines:\n  {string.Join("\n  ", _stderr)}";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.StandardInput.Close();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private void WriteLog(string line)
    {
        lock (_log)
        {
            if (_log.BaseStream.CanWrite)
            {
                _log.WriteLine(line);
            }
        }
    }
}
