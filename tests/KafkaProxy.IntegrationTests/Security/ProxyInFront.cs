using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using KafkaProxy.IntegrationTests.Support;
using KafkaProxy.Testing;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.IntegrationTests.Security;

/// <summary>A proxy for one test-cluster broker that dials it at another address (a TLS tunnel or a SASL front in front of it).</summary>
internal sealed class ProxyInFront : IAsyncDisposable
{
    private readonly HostPort _upstream;

    private ProxyInFront(HostPort upstream, ProxyEngine engine, CapturingLoggerProvider logs, MetricCapture metrics)
    {
        _upstream = upstream;
        Engine = engine;
        Logs = logs;
        Metrics = metrics;
    }

    public ProxyEngine Engine { get; }

    public CapturingLoggerProvider Logs { get; }

    public MetricCapture Metrics { get; }

    /// <summary>The proxy's listener for the test-cluster broker.</summary>
    public HostPort Listener => Engine.Listeners.First(l => l.Upstream == _upstream).Advertised;

    public string Bootstrap => Listener.ToString();

    /// <summary>Starts the proxy; logs are captured at every level unless <paramref name="logFilter"/> says otherwise.</summary>
    public static async Task<ProxyInFront> StartAsync(TestBroker broker, string dialAddress, Action<KafkaProxyOptions> configure, TimeProvider? time = null, LoggerFilterOptions? logFilter = null)
    {
        var options = new KafkaProxyOptions();
        var upstream = new HostPort(broker.Host, broker.Port);
        options.Brokers.Add(new BrokerMapping { Upstream = upstream, Listen = new HostPort("127.0.0.1", 0) });
        options.DialAddresses.Add(new AddressMapping { From = upstream, To = HostPort.Parse(dialAddress) });
        configure(options);
        var logs = new CapturingLoggerProvider();
        var metrics = new MetricCapture();
        var loggerFactory = new LoggerFactory([logs], logFilter ?? new LoggerFilterOptions { MinLevel = LogLevel.Trace });
        var engine = new ProxyEngine(options, loggerFactory, metrics.Factory, time);
        await engine.StartAsync();
        return new ProxyInFront(upstream, engine, logs, metrics);
    }

    /// <summary>Sends ApiVersions on a fresh connection and expects the proxy to close it instead of answering.</summary>
    public async Task AssertConnectionClosedAsync()
    {
        var listener = Listener;
        await using var client = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        var error = await Record.ExceptionAsync(() => client.SendAsync(18, 0, flexible: false, _ => { }));
        Assert.True(error is EndOfStreamException or IOException, $"expected the proxy to close the connection, got {error?.ToString() ?? "an answer"}\n{Logs}");
    }

    /// <summary>Sends ApiVersions on a fresh connection and expects an answer.</summary>
    public async Task AssertAnswersAsync()
    {
        var listener = Listener;
        await using var client = await RawKafkaClient.ConnectAsync(listener.Host, listener.Port);
        byte[] body = await client.SendAsync(18, 0, flexible: false, _ => { });
        Assert.Equal(0, body[0] << 8 | body[1]); // error code NONE
    }

    /// <summary>Waits until the log holds a line with <paramref name="text"/> (logging is asynchronous to the client's view).</summary>
    public Task<string> WaitForLogAsync(string text) => Logs.WaitForLineAsync(text);

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        Metrics.Dispose();
    }
}
