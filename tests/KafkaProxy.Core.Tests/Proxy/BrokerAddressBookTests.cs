using System.Collections.Concurrent;
using System.Text;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Core.Tests.Proxy;

public sealed class BrokerAddressBookTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static Func<HostPort, int, BrokerEndpoint> Unexpected => (upstream, _) => throw new InvalidOperationException($"No listener should start for {upstream}.");

    [Fact]
    public void Map_MappedBroker_ReturnsTheSameEndpointEveryTime()
    {
        var book = new BrokerAddressBook(startDynamicListener: null);
        var advertised = new BrokerEndpoint("127.0.0.1", 19092);
        book.Add(new HostPort("broker-1", 9092), advertised);

        for (int i = 0; i < 3; i++)
        {
            Assert.Same(advertised, book.Map(nodeId: 1, Utf8("broker-1"), 9092));
        }
    }

    [Fact]
    public void Map_ManyMappedBrokers_EachGetsItsOwnEndpoint()
    {
        var book = new BrokerAddressBook(startDynamicListener: null);
        var endpoints = Enumerable.Range(0, 20).Select(i => new BrokerEndpoint("127.0.0.1", 19000 + i)).ToArray();
        for (int i = 0; i < endpoints.Length; i++)
        {
            book.Add(new HostPort($"broker-{i}.kafka.svc", 9092), endpoints[i]);
        }

        for (int i = endpoints.Length - 1; i >= 0; i--)
        {
            Assert.Same(endpoints[i], book.Map(i, Utf8($"broker-{i}.kafka.svc"), 9092));
        }
    }

    [Fact]
    public void Map_MappedBrokerWithDynamicListenersOn_DoesNotStartAListener()
    {
        var book = new BrokerAddressBook(Unexpected);
        var advertised = new BrokerEndpoint("proxy.example", 19092);
        book.Add(new HostPort("broker-1", 9092), advertised);

        Assert.Same(advertised, book.Map(1, Utf8("broker-1"), 9092));
    }

    [Fact]
    public void Map_NodeIdOfAMappedBroker_DoesNotMatter()
    {
        var book = new BrokerAddressBook(startDynamicListener: null);
        var advertised = new BrokerEndpoint("127.0.0.1", 19092);
        book.Add(new HostPort("broker-1", 9092), advertised);

        Assert.Same(advertised, book.Map(-1, Utf8("broker-1"), 9092));
        Assert.Same(advertised, book.Map(42, Utf8("broker-1"), 9092));
    }

    [Theory]
    [InlineData("broker-9", 9092, "broker-9:9092")]
    [InlineData("broker-1", 9093, "broker-1:9093")]
    [InlineData("broker-1.other", 9092, "broker-1.other:9092")]
    [InlineData("broker", 9092, "broker:9092")]
    [InlineData("::1", 9092, "[::1]:9092")]
    public void Map_UnmappedBrokerWithDynamicListenersOff_ThrowsNamingTheBroker(string host, int port, string expected)
    {
        var book = new BrokerAddressBook(startDynamicListener: null);
        book.Add(new HostPort("broker-1", 9092), new BrokerEndpoint("127.0.0.1", 19092));

        var error = Assert.Throws<UnmappedBrokerException>(() => book.Map(9, Utf8(host), port));

        Assert.Equal(expected, error.Broker);
        Assert.StartsWith($"Broker {expected} appears in a response but has no KafkaProxy:Brokers or KafkaProxy:ExternalServers", error.Message, StringComparison.Ordinal);
        Assert.Contains("dynamic listeners are disabled", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_EmptyBookWithDynamicListenersOff_Throws()
    {
        var book = new BrokerAddressBook(startDynamicListener: null);

        var error = Assert.Throws<UnmappedBrokerException>(() => book.Map(0, Utf8("broker-0"), 9092));

        Assert.Equal("broker-0:9092", error.Broker);
    }

    [Fact]
    public void Map_NonAsciiHost_IsComparedAsUtf8()
    {
        var book = new BrokerAddressBook(startDynamicListener: null);
        var advertised = new BrokerEndpoint("127.0.0.1", 19092);
        book.Add(new HostPort("brøker-ü", 9092), advertised);

        Assert.Same(advertised, book.Map(1, Utf8("brøker-ü"), 9092));
        Assert.Equal("brøker-u:9092", Assert.Throws<UnmappedBrokerException>(() => book.Map(1, Utf8("brøker-u"), 9092)).Broker);
    }

    [Fact]
    public void Map_UnmappedBrokerWithDynamicListenersOn_StartsOneListenerWithItsAddressAndNodeId()
    {
        var calls = new List<(HostPort Upstream, int NodeId)>();
        var book = new BrokerAddressBook((upstream, node) =>
        {
            calls.Add((upstream, node));
            return new BrokerEndpoint("127.0.0.1", 30000 + node);
        });

        var first = book.Map(7, Utf8("broker-7"), 9092);
        var second = book.Map(7, Utf8("broker-7"), 9092);

        Assert.Equal((new HostPort("broker-7", 9092), 7), Assert.Single(calls));
        Assert.Same(first, second);
        Assert.Equal(new BrokerEndpoint("127.0.0.1", 30007), first);
    }

    [Fact]
    public void Map_DiscoveredBrokerSeenUnderAnotherNodeId_KeepsItsFirstEndpoint()
    {
        int calls = 0;
        var book = new BrokerAddressBook((_, node) =>
        {
            calls++;
            return new BrokerEndpoint("127.0.0.1", 30000 + node);
        });

        var first = book.Map(1, Utf8("broker-1"), 9092);

        Assert.Same(first, book.Map(2, Utf8("broker-1"), 9092));
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Map_DynamicListenerFailsToStart_ExceptionPropagatesAndTheNextLookupRetries()
    {
        int calls = 0;
        var book = new BrokerAddressBook((_, _) =>
        {
            if (++calls == 1)
            {
                throw new InvalidOperationException("port in use");
            }

            return new BrokerEndpoint("127.0.0.1", 30001);
        });

        Assert.Equal("port in use", Assert.Throws<InvalidOperationException>(() => book.Map(1, Utf8("broker-1"), 9092)).Message);
        var endpoint = book.Map(1, Utf8("broker-1"), 9092);

        Assert.Equal(new BrokerEndpoint("127.0.0.1", 30001), endpoint);
        Assert.Same(endpoint, book.Map(1, Utf8("broker-1"), 9092));
        Assert.Equal(2, calls);
    }

    [Fact]
    public void Map_ConcurrentDiscoveryOfTheSameBrokers_StartsOneListenerPerBroker()
    {
        const int Brokers = 16;
        var started = new ConcurrentDictionary<HostPort, int>();
        var book = new BrokerAddressBook((upstream, node) =>
        {
            started.AddOrUpdate(upstream, 1, (_, n) => n + 1);
            Thread.SpinWait(2_000); // widens the window in which other threads look the same broker up
            return new BrokerEndpoint("127.0.0.1", 30000 + node);
        });
        var hosts = Enumerable.Range(0, Brokers).Select(i => Utf8($"broker-{i}")).ToArray();
        var results = new ConcurrentBag<(int Node, BrokerEndpoint Endpoint)>();

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(8, Environment.ProcessorCount) }, i =>
        {
            int node = i % Brokers;
            results.Add((node, book.Map(node, hosts[node], 9092)));
        });

        Assert.Equal(Brokers, started.Count);
        Assert.All(started, pair => Assert.Equal(1, pair.Value));
        Assert.All(results.GroupBy(r => r.Node), group =>
        {
            var endpoint = Assert.Single(group.Select(r => r.Endpoint).Distinct(ReferenceEqualityComparer.Instance));
            Assert.Equal(new BrokerEndpoint("127.0.0.1", 30000 + group.Key), endpoint);
        });
    }

    [Fact]
    public void Map_ConcurrentDiscoveryWhileAdding_LosesNoBroker()
    {
        const int Count = 200;
        int started = 0;
        var book = new BrokerAddressBook((_, node) =>
        {
            Interlocked.Increment(ref started);
            return new BrokerEndpoint("dynamic", 30000 + node);
        });
        var added = Enumerable.Range(0, Count).Select(i => new BrokerEndpoint("mapped", 20000 + i)).ToArray();

        Parallel.For(0, Count * 2, i =>
        {
            if (i % 2 == 0)
            {
                book.Add(new HostPort($"mapped-{i / 2}", 9092), added[i / 2]);
            }
            else
            {
                book.Map(i / 2, Utf8($"discovered-{i / 2}"), 9092);
            }
        });

        for (int i = 0; i < Count; i++)
        {
            Assert.Same(added[i], book.Map(i, Utf8($"mapped-{i}"), 9092));
            Assert.Equal(new BrokerEndpoint("dynamic", 30000 + i), book.Map(i, Utf8($"discovered-{i}"), 9092));
        }

        Assert.Equal(Count, started);
    }
}
