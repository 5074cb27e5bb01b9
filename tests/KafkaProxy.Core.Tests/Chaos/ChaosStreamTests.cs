using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using KafkaProxy.Core.Chaos;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using Microsoft.Extensions.Time.Testing;

namespace KafkaProxy.Core.Tests.Chaos;

/// <summary>The toxics on a connection's stream, over an in-memory stream and a fake clock.</summary>
public sealed class ChaosStreamTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly ChaosProxy _proxy;
    private readonly Socket _socket = new(SocketType.Stream, ProtocolType.Tcp);
    private int _aborts;
    private long _nextId;

    public ChaosStreamTests()
    {
        var upstream = new HostPort("broker", 9092);
        _proxy = new ChaosProxy("bootstrap-1", new ProxyListenerInfo(upstream, new IPEndPoint(IPAddress.Loopback, 19092), upstream, isDynamic: false), new BrokerRoute(upstream, upstream), () => null);
    }

    public void Dispose() => _socket.Dispose();

    [Fact]
    public async Task Latency_Downstream_AWriteWaitsForTheClock()
    {
        var (stream, inner) = Open();
        _proxy.AddToxic(null, "latency", null, null, Attributes("""{"latency": 100}"""));

        var write = stream.WriteAsync(new byte[] { 1, 2, 3 }).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(99));
        await Task.Delay(20);
        Assert.False(write.IsCompleted);
        Assert.Equal(0, inner.Length);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await write.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new byte[] { 1, 2, 3 }, inner.ToArray());
    }

    [Fact]
    public async Task LimitData_Downstream_WritesExactlyTheLimitThenCloses()
    {
        var (stream, inner) = Open();
        _proxy.AddToxic(null, "limit_data", null, null, Attributes("""{"bytes": 30}"""));

        await Assert.ThrowsAsync<IOException>(() => stream.WriteAsync(new byte[100]).AsTask());

        Assert.Equal(30, inner.Length);
        Assert.Equal(1, _aborts);
    }

    [Fact]
    public async Task LimitData_Upstream_ReadsUpToTheLimitThenCloses()
    {
        var (stream, _) = Open(new byte[100]);
        _proxy.AddToxic(null, "limit_data", "upstream", null, Attributes("""{"bytes": 30}"""));

        int read = await stream.ReadAsync(new byte[64]);

        Assert.Equal(30, read);
        await Assert.ThrowsAsync<IOException>(() => stream.ReadAsync(new byte[64]).AsTask());
        Assert.Equal(1, _aborts);
    }

    [Fact]
    public async Task Timeout_ZeroDropsData_RemovingTheToxicClosesTheConnection()
    {
        var (stream, inner) = Open();
        _proxy.AddToxic(null, "timeout", null, null, Attributes("""{"timeout": 0}"""));

        await stream.WriteAsync(new byte[] { 1, 2, 3 });
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(0, inner.Length);
        Assert.Equal(0, _aborts);
        _proxy.RemoveToxic("timeout_downstream");
        Assert.Equal(1, _aborts);
    }

    [Fact]
    public void Timeout_WithATimeout_ClosesThatLongAfterTheToxicTookEffect()
    {
        Open();
        _proxy.AddToxic(null, "timeout", null, null, Attributes("""{"timeout": 500}"""));

        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(0, _aborts);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, _aborts);
    }

    [Fact]
    public async Task Toxicity_Zero_NeverActs_One_AlwaysActs()
    {
        _proxy.AddToxic("spared", "limit_data", null, 0, Attributes("""{"bytes": 1}"""));
        var (stream, inner) = Open();

        await stream.WriteAsync(new byte[10]);

        Assert.Equal(10, inner.Length);
        _proxy.UpdateToxic("spared", default, toxicity: 1); // an update is a new toxic, drawn again
        await Assert.ThrowsAsync<IOException>(() => stream.WriteAsync(new byte[10]).AsTask());
        Assert.Equal(11, inner.Length);
    }

    [Fact]
    public async Task Disable_ClosesOpenConnections_NewOnesAreClosedAtOnce_EnableServesAgain()
    {
        Open();
        _proxy.SetEnabled(false);
        Assert.Equal(1, _aborts);

        Open();
        Assert.Equal(2, _aborts);

        _proxy.SetEnabled(true);
        var (stream, inner) = Open();
        await stream.WriteAsync(new byte[] { 9 });
        Assert.Equal(2, _aborts);
        Assert.Equal(1, inner.Length);
    }

    [Fact]
    public void Name_IsTheFallbackUntilTheNodeIsKnown()
    {
        int? node = null;
        var upstream = new HostPort("broker", 9092);
        var proxy = new ChaosProxy("bootstrap-2", new ProxyListenerInfo(upstream, new IPEndPoint(IPAddress.Loopback, 1), upstream, isDynamic: false), new BrokerRoute(upstream, upstream), () => node);

        Assert.Equal("bootstrap-2", proxy.Name);
        node = 7;
        Assert.Equal("broker-7", proxy.Name);
        Assert.Equal("bootstrap-2", proxy.FallbackName);
    }

    [Theory]
    [InlineData("latency", """{"latency": -1}""", "attributes.latency")]
    [InlineData("latency", """{"latency": 1.5}""", "attributes.latency")]
    [InlineData("bandwidth", """{"speed": 1}""", "attributes.speed")]
    [InlineData("slicer", """{"average_size": 0}""", "attributes.average_size")]
    [InlineData("nope", """{}""", "type")]
    public void AddToxic_BadAttribute_NamesTheField(string type, string attributes, string field)
    {
        var error = Assert.Throws<ChaosRequestException>(() => _proxy.AddToxic(null, type, null, null, Attributes(attributes)));

        Assert.Equal(400, error.Status);
        Assert.StartsWith(field + ":", error.Message, StringComparison.Ordinal);
        Assert.Empty(_proxy.Toxics);
    }

    private (ChaosStream Stream, MemoryStream Inner) Open(byte[]? incoming = null)
    {
        var inner = incoming is null ? new MemoryStream() : new MemoryStream(incoming);
        var connection = _proxy.Attach(new ChaosConnection(++_nextId, _proxy, _socket, () => Interlocked.Increment(ref _aborts), _time));
        return (new ChaosStream(inner, connection), inner);
    }

    private static JsonElement Attributes(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
