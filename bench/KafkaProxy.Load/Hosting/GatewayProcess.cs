using System.Globalization;

namespace KafkaProxy.Load.Hosting;

/// <summary>
/// The Release build of the HTTP push gateway (samples/KafkaProxy.WebHost) in a process of its own, producing to the
/// test cluster's gateway topic.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    public const string Token = "load-gateway-token";
    private readonly ChildProcess _process;

    private GatewayProcess(ChildProcess process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts the gateway; <paramref name="extraEnvironment"/> adds settings (NAME=value), <paramref name="name"/> names its log.</summary>
    public static async Task<GatewayProcess> StartAsync(
        string executable, string bootstrapServers, string topic, string logDirectory, IReadOnlyList<string>? extraEnvironment = null, string name = "gateway")
    {
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException($"The gateway was not found at {executable}: build samples/KafkaProxy.WebHost in Release first (bench/run.sh does).", executable);
        }

        int port = FreePort.Next();
        var address = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        string[] environment =
        [
            $"KAFKA_PROXY_KAFKA_SERVER={bootstrapServers}",
            $"KAFKA_PROXY_TOKEN={Token}",
            $"KAFKA_PROXY_TOPIC={topic}",
            $"ASPNETCORE_URLS={address}",
            "Logging__LogLevel__Default=Warning",
            .. extraEnvironment ?? [],
        ];
        var gateway = new GatewayProcess(ChildProcess.Start(name, executable, [], Path.Combine(logDirectory, name + ".log"), environment), address);
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var ready = await http.GetAsync(new Uri("ready", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    return gateway;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline || gateway._process.HasExited)
            {
                string tail = gateway._process.ErrorTail();
                await gateway.DisposeAsync();
                throw new InvalidOperationException("The gateway did not become ready within 30 s: " + tail);
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The gateway's <c>/metrics</c> now.</summary>
    public async Task<MetricsSnapshot> ScrapeAsync()
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(10) };
        return MetricsSnapshot.Parse(await http.GetStringAsync(new Uri("metrics", UriKind.Relative)));
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
