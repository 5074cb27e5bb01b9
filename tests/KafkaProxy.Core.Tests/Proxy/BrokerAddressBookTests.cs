using System.Collections.Concurrent;
using System.Text;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Core.Tests.Proxy;

public sealed class BrokerAddressBookTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Map_MappedBroker_ReturnsItsAdvertisedEndpoint()
    {
        var book = new BrokerAddressBook(startDynamicListener: null);
        var advertised = new BrokerEndpoint("127.0.0.1", 19092);
        book.Add(new HostPort("broker-1", 9092), advertised);

        Assert.Same(advertised, book.Map(1, Utf8("broker-1"), 9092));
    }

    [Fact]
    public void Map_SameHostOtherPort_IsADifferentBroker()
    {
        var book = new BrokerAddressBook(startDynamicListener: null);
        book.Add(new HostPort("broker-1", 9092), new BrokerEndpoint("127.0.0.1", 19092));

        var error = Assert.Throws<UnmappedBrokerException>(() => book.Map(1, Utf8("broker-1"), 9093));
        Assert.Equal("broker-1:9093", error.Broker);
        Assert.Contains("dynamic listeners are disabled", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_ConcurrentDiscoveryOfTheSameBrokers_StartsOneListenerEach()
    {
        var started = new ConcurrentDictionary<HostPort, int>();
        var book = new BrokerAddressBook((upstream, node) =>
        {
            started.AddOrUpdate(upstream, 1, (_, n) => n + 1);
            return new BrokerEndpoint("127.0.0.1", 30000 + node);
        });
        var results = new ConcurrentBag<(int Node, BrokerEndpoint Endpoint)>();

        Parallel.For(0, 2000, i =>
        {
            int node = i % 5;
            results.Add((node, book.Map(node, Utf8($"broker-{node}"), 9092)));
        });

        Assert.Equal(5, started.Count);
        Assert.All(started.Values, n => Assert.Equal(1, n));
        Assert.All(results.GroupBy(r => r.Node), g => Assert.Single(g.Select(r => r.Endpoint).Distinct()));
    }
}
