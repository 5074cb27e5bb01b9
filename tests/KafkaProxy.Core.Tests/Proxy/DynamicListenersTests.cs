using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Diagnostics;
using KafkaProxy.Core.Proxy;
using KafkaProxy.Core.Tests.Support;

namespace KafkaProxy.Core.Tests.Proxy;

/// <summary>Dynamic listeners bound on real loopback sockets.</summary>
public sealed class DynamicListenersTests : IDisposable
{
    private readonly ConcurrentQueue<BrokerListener> _started = new();
    private readonly LogCapture _logs = new();
    private readonly OwnedMeterFactory _meters = new();

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private (BrokerAddressBook Book, DynamicListeners Listeners) Create(Action<DynamicListenerOptions>? configure = null)
    {
        var options = new KafkaProxyOptions();
        configure?.Invoke(options.DynamicListeners);
        var book = new BrokerAddressBook(dynamicListeners: true);
        var listeners = new DynamicListeners(options, book, upstream => new BrokerRoute(upstream, upstream), _started.Enqueue, new ProxyMetrics(_meters), _logs.CreateLogger("test"));
        listeners.ResolveBindAddress();
        return (book, listeners);
    }

    private static UndiscoveredBrokerException Discover(BrokerAddressBook book, int nodeId, string host, int port = 9092) =>
        Assert.Throws<UndiscoveredBrokerException>(() => book.Map(nodeId, Utf8(host), port));

    [Fact]
    public void Start_UnknownBroker_BindsAListenerAndTheBookMapsTheBrokerToIt()
    {
        var (book, listeners) = Create();

        listeners.Start(Discover(book, 7, "broker-7"));

        var listener = Assert.Single(_started);
        Assert.True(listener.Info.IsDynamic);
        Assert.Equal(new HostPort("broker-7", 9092), listener.Info.Upstream);
        Assert.Equal(IPAddress.Loopback, listener.Info.LocalEndPoint.Address);
        var mapped = book.Map(7, Utf8("broker-7"), 9092);
        Assert.Equal(("127.0.0.1", listener.Info.LocalEndPoint.Port), (mapped.Host, mapped.Port));
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, mapped.Port);
        Assert.Contains(_logs.Lines, l => l.StartsWith("Information 1002 ", StringComparison.Ordinal) && l.Contains("broker-7:9092 (node 7)", StringComparison.Ordinal));
    }

    [Fact]
    public void Start_AdvertisedHostSet_ClientsAreToldItWithTheBoundPort()
    {
        var (book, listeners) = Create(o => o.AdvertisedHost = "proxy.example");

        listeners.Start(Discover(book, 1, "broker-1"));

        var mapped = book.Map(1, Utf8("broker-1"), 9092);
        Assert.Equal(("proxy.example", Assert.Single(_started).Info.LocalEndPoint.Port), (mapped.Host, mapped.Port));
    }

    [Fact]
    public void Start_ConcurrentDiscoveryOfTheSameBrokers_StartsOneListenerPerBroker()
    {
        const int Brokers = 16;
        var (book, listeners) = Create();
        var results = new ConcurrentBag<(int Node, Protocol.Rewriting.BrokerEndpoint Endpoint)>();

        Parallel.For(0, 4_000, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(8, Environment.ProcessorCount) }, i =>
        {
            int node = i % Brokers;
            byte[] host = Utf8($"broker-{node}");
            while (true)
            {
                try
                {
                    results.Add((node, book.Map(node, host, 9092)));
                    return;
                }
                catch (UndiscoveredBrokerException undiscovered)
                {
                    listeners.Start(undiscovered);
                }
            }
        });

        Assert.Equal(Brokers, _started.Count);
        Assert.Equal(Brokers, _started.Select(l => l.Info.Upstream).Distinct().Count());
        Assert.All(results.GroupBy(r => r.Node), group => Assert.Single(group.Select(r => r.Endpoint).Distinct(ReferenceEqualityComparer.Instance)));
    }

    [Fact]
    public void Start_DeterministicPortTaken_LogsOneLineWithBrokerAndAddress_AndTheNextAttemptSucceedsOnceFree()
    {
        // Below the ephemeral range: once freed, no other socket of the run is handed it before the listener takes it.
        int port = FreePorts.FindRun(1);
        var taken = new TcpListener(IPAddress.Loopback, port);
        taken.Start();
        var (book, listeners) = Create(o =>
        {
            o.SequentialMinPort = port - 3;
            o.Deterministic = true;
        });

        var error = Assert.Throws<DynamicListenerException>(() => listeners.Start(Discover(book, 3, "broker-3")));

        string line = Assert.Single(_logs.Lines);
        Assert.StartsWith("Error 1016 Cannot start a listener for discovered broker broker-3:9092 (node 3) on 127.0.0.1:" + port + ": ", line, StringComparison.Ordinal);
        Assert.Contains("broker-3:9092", error.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:" + port, error.Message, StringComparison.Ordinal);
        Assert.Empty(_started);
        Assert.False(book.Contains(Utf8("broker-3"), 9092));

        taken.Stop();
        listeners.Start(Discover(book, 3, "broker-3"));

        Assert.Equal(port, book.Map(3, Utf8("broker-3"), 9092).Port);
    }

    [Fact]
    public void Start_SequentialPortTaken_TheNextAttemptTakesTheNextPort()
    {
        // Below the ephemeral range: once freed, no other socket of the run is handed it before the listener takes it.
        int port = FreePorts.FindRun(1);
        var taken = new TcpListener(IPAddress.Loopback, port);
        taken.Start();
        var (book, listeners) = Create(o => o.SequentialMinPort = port);

        Assert.Throws<DynamicListenerException>(() => listeners.Start(Discover(book, 1, "broker-1")));
        taken.Stop();
        listeners.Start(Discover(book, 1, "broker-1"));

        Assert.Equal(port + 1, book.Map(1, Utf8("broker-1"), 9092).Port);
    }

    [Fact]
    public void Start_NodeIdBeyondThePortRange_FailsNamingTheSetting()
    {
        var (book, listeners) = Create(o =>
        {
            o.SequentialMinPort = 65000;
            o.Deterministic = true;
        });

        var error = Assert.Throws<DynamicListenerException>(() => listeners.Start(Discover(book, 1000, "broker-1000")));

        Assert.Contains("SequentialMinPort", error.Message, StringComparison.Ordinal);
        Assert.Contains("port 66000", Assert.Single(_logs.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public void Start_NodePorts_ListensOnBasePlusTheNodeIdAndAdvertisesTheNodeHost()
    {
        int basePort = 20000 + Random.Shared.Next(0, 12000); // below the ephemeral ports
        var options = new KafkaProxyOptions();
        (options.NodePorts.Base, options.NodePorts.AdvertisedHost, options.NodePorts.NodeIdMax) = (basePort, "proxy.example", 5);
        var book = new BrokerAddressBook(dynamicListeners: true);
        var listeners = new DynamicListeners(options, book, upstream => new BrokerRoute(upstream, upstream), _started.Enqueue, new ProxyMetrics(_meters), _logs.CreateLogger("test"));
        listeners.ResolveBindAddress();

        listeners.Start(Discover(book, 4, "broker-4"));
        var refused = Assert.Throws<DynamicListenerException>(() => listeners.Start(Discover(book, 6, "broker-6")));

        var mapped = book.Map(4, Utf8("broker-4"), 9092);
        Assert.Equal(("proxy.example", basePort + 4), (mapped.Host, mapped.Port));
        Assert.Equal(basePort + 4, Assert.Single(_started).Info.LocalEndPoint.Port);
        Assert.Contains("node ids from 0 to 5 get a port (KafkaProxy:NodePorts:NodeIdMax", refused.Message, StringComparison.Ordinal);
        Assert.Contains(_logs.Lines, l => l.StartsWith("Warning 1019 ", StringComparison.Ordinal) && l.Contains("(node 6)", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        foreach (var listener in _started)
        {
            listener.Dispose();
        }

        _meters.Dispose();
    }
}
