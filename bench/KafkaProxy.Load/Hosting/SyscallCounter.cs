using System.Diagnostics;
using System.Globalization;

namespace KafkaProxy.Load.Hosting;

/// <summary>
/// Counts the system calls of one process (every thread, and threads it starts later) with <c>perf stat</c> on the
/// kernel's syscall tracepoints: started disabled before a run, enabled and disabled through perf's control FIFO
/// around the steady window (each waits for perf's ack), read when perf stops. The tracepoints cost the counted
/// process some kernel time per call, so its CPU figures are not comparable with a run without counting.
/// </summary>
internal sealed class SyscallCounter : IAsyncDisposable
{
    private static readonly string[] Events =
    [
        "raw_syscalls:sys_enter",
        "syscalls:sys_enter_sendto", "syscalls:sys_enter_sendmsg", "syscalls:sys_enter_write", "syscalls:sys_enter_writev",
        "syscalls:sys_enter_recvfrom", "syscalls:sys_enter_recvmsg", "syscalls:sys_enter_read", "syscalls:sys_enter_readv",
        "syscalls:sys_enter_epoll_wait", "syscalls:sys_enter_epoll_pwait", "syscalls:sys_enter_futex", "syscalls:sys_enter_sched_yield",
    ];

    private readonly Process _perf;
    private readonly string _directory;
    private readonly StreamWriter _control;
    private readonly StreamReader _ack;

    private SyscallCounter(Process perf, string directory, StreamWriter control, StreamReader ack)
    {
        _perf = perf;
        _directory = directory;
        _control = control;
        _ack = ack;
    }

    /// <summary>Attaches perf to <paramref name="pid"/>, counting nothing until <see cref="EnableAsync"/>.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">perf is not installed.</exception>
    public static async Task<SyscallCounter> StartAsync(int pid)
    {
        string directory = Directory.CreateTempSubdirectory("kafkaproxy-load-perf-").FullName;
        string control = Path.Combine(directory, "control");
        string ack = Path.Combine(directory, "ack");
        await RunAsync("mkfifo", [control, ack]);
        var info = new ProcessStartInfo("perf") { UseShellExecute = false, RedirectStandardError = true };
        foreach (string argument in (string[])["stat", "-x", ",", "-D", "-1", "--control", $"fifo:{control},{ack}", "-o", Path.Combine(directory, "counts"),
            "-e", string.Join(',', Events), "-p", pid.ToString(CultureInfo.InvariantCulture)])
        {
            info.ArgumentList.Add(argument);
        }

        var perf = Process.Start(info) ?? throw new InvalidOperationException("perf did not start");

        // Opened for reading and writing, a FIFO does not wait for its other end, so a perf that fails to start cannot
        // hang this program: the first command then goes unanswered.
        var counter = new SyscallCounter(
            perf,
            directory,
            new StreamWriter(new FileStream(control, FileMode.Open, FileAccess.ReadWrite)) { AutoFlush = true },
            new StreamReader(new FileStream(ack, FileMode.Open, FileAccess.ReadWrite)));
        return counter;
    }

    public Task EnableAsync() => CommandAsync("enable");

    public Task DisableAsync() => CommandAsync("disable");

    /// <summary>Stops perf and returns what it counted while enabled, by event name (without the tracepoint group).</summary>
    public async Task<IReadOnlyDictionary<string, double>> StopAsync()
    {
        await RunAsync("kill", ["-INT", _perf.Id.ToString(CultureInfo.InvariantCulture)]);
        await _perf.WaitForExitAsync();
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string line in await File.ReadAllLinesAsync(Path.Combine(_directory, "counts")))
        {
            // CSV: value, unit, event, ...; comments and the enable/disable lines have no number first.
            string[] fields = line.Split(',');
            if (fields.Length > 2 && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                counts[fields[2][(fields[2].IndexOf(':', StringComparison.Ordinal) + 1)..]] = value;
            }
        }

        return counts;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_perf.HasExited)
        {
            _perf.Kill();
            await _perf.WaitForExitAsync();
        }

        _perf.Dispose();
        await _control.DisposeAsync();
        _ack.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task CommandAsync(string command)
    {
        await _control.WriteLineAsync(command);
        var answer = _ack.ReadLineAsync();
        // perf writes "ack\n" with the string's terminating NUL, which starts the next line.
        if (await Task.WhenAny(answer, Task.Delay(TimeSpan.FromSeconds(10))) != answer || (await answer)?.Trim('\0', ' ', '\n') != "ack")
        {
            string error = _perf.HasExited ? await _perf.StandardError.ReadToEndAsync() : answer.IsCompleted ? $"it answered '{answer.Result}'" : "no answer within 10 s";
            throw new InvalidOperationException($"perf stat did not acknowledge '{command}': {error.Trim()}");
        }
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { UseShellExecute = false }) ?? throw new InvalidOperationException($"{program} did not start");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}");
        }
    }
}
