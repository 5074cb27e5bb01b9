using System.Diagnostics;
using System.Globalization;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>The web host (the gateway) started as a process on a free port, its whole output read from the start.</summary>
internal sealed class GatewayProcess
{
    private GatewayProcess(Process process, int port)
    {
        Process = process;
        Port = port;
        // Read from the start: a host blocked on a full pipe would never stop.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Output = Combine(stdout, stderr);
    }

    public Process Process { get; }

    public int Port { get; }

    /// <summary>Standard output then standard error, once the process ended.</summary>
    public Task<string> Output { get; }

    /// <summary>Starts the web host with <paramref name="environment"/> and <c>ASPNETCORE_URLS</c> on a free port; <paramref name="started"/> keeps it for the test's cleanup.</summary>
    public static GatewayProcess Start(Dictionary<string, string> environment, List<Process> started)
    {
        int port = FreePorts.FindRun(1);
        environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        var process = SampleHost.Start(SampleHost.WebHostDll, [], environment);
        started.Add(process);
        return new GatewayProcess(process, port);
    }

    /// <summary>A client of the host, once its health endpoint answers.</summary>
    public async Task<HttpClient> ConnectAsync()
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(30) };
        using var patience = new CancellationTokenSource(Clients.Patience);
        while (true)
        {
            if (Process.HasExited)
            {
                Assert.Fail("the web host exited: " + await Output);
            }

            try
            {
                using var health = await http.GetAsync(new Uri("/health", UriKind.Relative), patience.Token);
                if (health.IsSuccessStatusCode)
                {
                    return http;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50, patience.Token);
        }
    }

    /// <summary>Stops the host with SIGTERM and returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> TerminateAsync()
    {
        var signal = await ExternalProcess.RunAsync("kill", ["-TERM", Process.Id.ToString(CultureInfo.InvariantCulture)], Clients.Patience);
        Assert.Equal(0, signal.ExitCode);
        await Process.WaitForExitAsync().WaitAsync(Clients.Patience);
        return (Process.ExitCode, await Output);
    }

    private static async Task<string> Combine(Task<string> stdout, Task<string> stderr) => await stdout + await stderr;
}
