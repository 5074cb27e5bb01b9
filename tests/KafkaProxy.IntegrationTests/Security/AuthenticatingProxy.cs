using Confluent.Kafka;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using KafkaProxy.Core.Security;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.IntegrationTests.Security;

/// <summary>
/// A 3-broker test cluster behind a proxy that makes clients authenticate (<c>--auth-local-enable</c>), with a
/// credentials file of its own, the log at Trace level and the metrics captured.
/// </summary>
internal sealed class AuthenticatingProxy : IAsyncDisposable
{
    public const string User = "app";
    public const string Password = "client-SECRET-5d2e91";

    private readonly string _directory;

    private AuthenticatingProxy(KafkaTestCluster cluster, ProxyEngine engine, string directory, CapturingLoggerProvider logs, MetricCapture metrics)
    {
        Cluster = cluster;
        Engine = engine;
        _directory = directory;
        Logs = logs;
        Metrics = metrics;
    }

    public KafkaTestCluster Cluster { get; }

    public ProxyEngine Engine { get; }

    public CapturingLoggerProvider Logs { get; }

    public MetricCapture Metrics { get; }

    /// <summary>The options the proxy started with.</summary>
    public KafkaProxyOptions Options { get; private init; } = null!;

    public string CredentialsFile => Path.Combine(_directory, "users.txt");

    public string Bootstrap => Engine.Listeners.First(l => !l.IsDynamic).Advertised.ToString();

    public HostPort Listener => Engine.Listeners.First(l => !l.IsDynamic).Advertised;

    public static async Task<AuthenticatingProxy> StartAsync(Action<KafkaProxyOptions>? configure = null, int brokers = 3, TimeProvider? time = null)
    {
        string directory = Directory.CreateTempSubdirectory("kafka-proxy-auth-").FullName;
        string file = Path.Combine(directory, "users.txt");
        await File.WriteAllLinesAsync(file, ["# users of the test proxy", .. ClientCredentialFile.CreateLines(User, Password, iterations: 4096)]);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var cluster = await KafkaTestCluster.StartAsync(brokers);
        var options = new KafkaProxyOptions();
        var first = cluster.Brokers[0];
        options.Brokers.Add(new BrokerMapping { Upstream = new HostPort(first.Host, first.Port), Listen = new HostPort("127.0.0.1", 0) });
        options.ClientAuth.Enabled = true;
        options.ClientAuth.CredentialsFile = file;
        configure?.Invoke(options);
        var logs = new CapturingLoggerProvider();
        var metrics = new MetricCapture();
        var loggerFactory = new LoggerFactory([logs], new LoggerFilterOptions { MinLevel = LogLevel.Trace });
        var engine = new ProxyEngine(options, loggerFactory, metrics.Factory, time);
        await engine.StartAsync();
        return new AuthenticatingProxy(cluster, engine, directory, logs, metrics) { Options = options };
    }

    /// <summary>The Confluent.Kafka settings of a client that authenticates at the proxy.</summary>
    public static void Authenticate(ClientConfig config, string mechanism, string user = User, string password = Password)
    {
        config.SecurityProtocol = SecurityProtocol.SaslPlaintext;
        config.SaslMechanism = Enum.Parse<SaslMechanism>(mechanism.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true);
        config.SaslUsername = user;
        config.SaslPassword = password;
    }

    /// <summary>kcat's flags for a client that authenticates at the proxy.</summary>
    public static string[] KcatSasl(string mechanism, string user = User, string password = Password) =>
        ["-X", "security.protocol=SASL_PLAINTEXT", "-X", $"sasl.mechanisms={mechanism}", "-X", $"sasl.username={user}", "-X", $"sasl.password={password}"];

    /// <summary>Waits until the log holds a line with <paramref name="text"/>.</summary>
    public Task<string> WaitForLogAsync(string text) => Logs.WaitForLineAsync(text);

    /// <summary>Every value the topic holds, read straight from the cluster (not through the proxy).</summary>
    public List<string> ReadDirectly(string topic, int expected, TimeSpan patience)
    {
        using var consumer = Clients.Consumer(Cluster.BootstrapServers, "direct-" + Guid.NewGuid().ToString("N"));
        consumer.Subscribe(topic);
        var values = new List<string>();
        var deadline = DateTime.UtcNow + patience;
        while (values.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: { } message })
            {
                values.Add(message.Value);
            }
        }

        consumer.Close();
        return values;
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Cluster.DisposeAsync();
        Metrics.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
