using Confluent.Kafka;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using KafkaProxy.IntegrationTests.Security;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.IntegrationTests.Routing;

/// <summary>
/// A proxy in SNI mode in front of a test cluster: one TLS listener on 127.0.0.1, bootstrap.kafka.localhost for
/// bootstrapping and broker-$(nodeId).kafka.localhost for the brokers. Names under .localhost resolve to loopback
/// through libnss-myhostname (installed by .ci/run), so neither /etc/hosts nor DNS is needed.
/// </summary>
internal sealed class SniProxy : IAsyncDisposable
{
    public const string BootstrapHost = "bootstrap.kafka.localhost";
    public const string HostPattern = "broker-$(nodeId).kafka.localhost";

    private SniProxy(TestPki pki, TestPki.Authority ca, ProxyEngine engine, CapturingLoggerProvider logs, MetricCapture metrics)
    {
        Pki = pki;
        Ca = ca;
        Engine = engine;
        Logs = logs;
        Metrics = metrics;
    }

    public TestPki Pki { get; }

    public TestPki.Authority Ca { get; }

    public ProxyEngine Engine { get; }

    public CapturingLoggerProvider Logs { get; }

    public MetricCapture Metrics { get; }

    public int Port => Engine.Listeners.Single().Advertised.Port;

    public string Bootstrap => $"{BootstrapHost}:{Port}";

    /// <summary>Starts a proxy in SNI mode for <paramref name="cluster"/>, on <paramref name="port"/> (0: any free port).</summary>
    public static async Task<SniProxy> StartAsync(KafkaTestCluster cluster, int port = 0, Action<KafkaProxyOptions>? configure = null, TestPki? pki = null, TestPki.Authority? ca = null)
    {
        pki ??= new TestPki();
        ca ??= pki.CreateAuthority("sni-ca");
        var server = pki.Issue(ca, "sni-" + Guid.NewGuid().ToString("N"), ["*.kafka.localhost", BootstrapHost]);
        var options = Options(cluster, server, port);
        configure?.Invoke(options);
        var logs = new CapturingLoggerProvider();
        var metrics = new MetricCapture();
        var engine = new ProxyEngine(options, new LoggerFactory([logs]), metrics.Factory);
        await engine.StartAsync();
        return new SniProxy(pki, ca, engine, logs, metrics);
    }

    public static KafkaProxyOptions Options(KafkaTestCluster cluster, TestPki.Leaf server, int port)
    {
        var options = new KafkaProxyOptions { DrainTimeout = TimeSpan.FromSeconds(10) };
        options.Sni.ListenerAddress = new HostPort("127.0.0.1", port);
        options.Sni.BootstrapHost = BootstrapHost;
        options.Sni.HostPattern = HostPattern;
        options.Sni.UpstreamBootstrapServers.Add(new HostPort(cluster.Brokers[0].Host, cluster.Brokers[0].Port));
        options.ClientTls.Enabled = true;
        options.ClientTls.CertFile = server.CertFile;
        options.ClientTls.KeyFile = server.KeyFile;
        return options;
    }

    /// <summary>TLS settings of a librdkafka client of this proxy (IPv4: the listener is on 127.0.0.1, and .localhost names resolve to ::1 as well).</summary>
    public void Tls(ClientConfig config)
    {
        config.SecurityProtocol = SecurityProtocol.Ssl;
        config.SslCaLocation = Ca.CertFile;
        config.BrokerAddressFamily = BrokerAddressFamily.V4;
    }

    /// <summary>kcat's arguments for this proxy, before the command's own.</summary>
    public string[] KcatArguments => ["-b", Bootstrap, "-X", "security.protocol=ssl", "-X", $"ssl.ca.location={Ca.CertFile}", "-X", "broker.address.family=v4"];

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        Metrics.Dispose();
        Pki.Dispose();
    }
}
