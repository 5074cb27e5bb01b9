using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace KafkaProxy.IntegrationTests.Security;

/// <summary>A real TLS server (Debian's stunnel4) in front of a plaintext port, as a broker with TLS listeners looks.</summary>
internal sealed class Stunnel : IAsyncDisposable
{
    private readonly Process _process;

    private Stunnel(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Starts stunnel on a free loopback port; with <paramref name="clientCaFile"/> it requires client certificates that CA signed.</summary>
    public static async Task<Stunnel> StartAsync(TestPki pki, int connectPort, TestPki.Leaf server, string? clientCaFile = null)
    {
        int port = FreePorts.FindRun(1); // below the ephemeral range: stunnel binds it later, no other socket is handed it meanwhile
        string name = $"stunnel-{port}";
        string config = $"""
            foreground = yes
            pid =
            debug = 5
            [kafka]
            accept = 127.0.0.1:{port}
            connect = 127.0.0.1:{connectPort}
            cert = {server.CertFile}
            key = {server.KeyFile}
            sslVersionMin = TLSv1.2
            """;
        if (clientCaFile is not null)
        {
            config += $"\nCAfile = {clientCaFile}\nverifyChain = yes\nrequireCert = yes\n";
        }

        string file = pki.Write(name + ".conf", config + "\n");
        var start = new ProcessStartInfo("stunnel4") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(file);
        var process = Process.Start(start) ?? throw new InvalidOperationException("stunnel4 did not start");
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var tunnel = new Stunnel(process, port);
        await tunnel.WaitListeningAsync();
        return tunnel;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitListeningAsync()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(_process.HasExited, $"stunnel4 exited with {(_process.HasExited ? _process.ExitCode : 0)}");
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (clock.Elapsed < Clients.Patience)
            {
                await Task.Delay(20);
            }
        }
    }
}
