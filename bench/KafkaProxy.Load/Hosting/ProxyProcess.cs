using System.Globalization;
using System.Net;

namespace KafkaProxy.Load.Hosting;

/// <summary>
/// The Release build of <c>kafka-proxy</c> (samples/KafkaProxy.ConsoleHost) in a process of its own, with one
/// mapped listener per broker on fixed loopback ports, and its Prometheus endpoint for request, byte and GC counts.
/// </summary>
internal sealed class ProxyProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly HttpClient _http;

    private ProxyProcess(ChildProcess process, HttpClient http, IReadOnlyList<string> listeners)
    {
        _process = process;
        _http = http;
        Listeners = listeners;
    }

    /// <summary>The proxy's listener for each broker, in broker order.</summary>
    public IReadOnlyList<string> Listeners { get; }

    public string BootstrapServers => string.Join(',', Listeners);

    public int ProcessId => _process.Id;

    /// <summary>
    /// Starts <paramref name="executable"/> as <c>server</c> with one listener per broker; <paramref name="name"/> names
    /// its log file (<c>&lt;name&gt;.log</c>), and <paramref name="extraArguments"/> are more server flags (a policy, for example).
    /// </summary>
    public static async Task<ProxyProcess> StartAsync(
        string executable, IReadOnlyList<string> brokers, int maxConnections, IReadOnlyList<string> environment, string logDirectory, string name = "proxy", IReadOnlyList<string>? extraArguments = null)
    {
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException($"kafka-proxy was not found at {executable}: build samples/KafkaProxy.ConsoleHost in Release first (bench/run.sh does), or pass --proxy <path>.", executable);
        }

        int httpPort = FreePort.Next();
        var listeners = brokers.Select(_ => "127.0.0.1:" + FreePort.Next().ToString(CultureInfo.InvariantCulture)).ToList();
        var arguments = new List<string> { "server" };
        for (int i = 0; i < brokers.Count; i++)
        {
            arguments.Add("--bootstrap-server-mapping");
            arguments.Add($"{brokers[i]},{listeners[i]}");
        }

        arguments.AddRange([
            "--http-listen-address", "127.0.0.1:" + httpPort.ToString(CultureInfo.InvariantCulture),
            "--max-connections", maxConnections.ToString(CultureInfo.InvariantCulture),
            "--log-level", "warn",
        ]);
        arguments.AddRange(extraArguments ?? []);

        var process = ChildProcess.Start(name, executable, arguments, Path.Combine(logDirectory, name + ".log"), environment);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(10) };
        var proxy = new ProxyProcess(process, http, listeners);
        try
        {
            await proxy.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    public ProcessSample Sample() => ProcessSample.Read(_process.Id);

    public async Task<MetricsSnapshot> ScrapeAsync() => MetricsSnapshot.Parse(await _http.GetStringAsync(new Uri("metrics", UriKind.Relative)));

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("kafka-proxy exited during start." + _process.ErrorTail());
            }

            try
            {
                using var response = await _http.GetAsync(new Uri("ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"kafka-proxy was not ready within {timeout}." + _process.ErrorTail());
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
