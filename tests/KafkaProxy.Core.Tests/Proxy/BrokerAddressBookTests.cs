using System.Text;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Proxy;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Core.Tests.Proxy;

public sealed class BrokerAddressBookTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Map_MappedBroker_ReturnsTheSameEndpointEveryTime()
    {
        var book = new BrokerAddressBook(dynamicListeners: false);
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
        var book = new BrokerAddressBook(dynamicListeners: false);
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
    public void Map_MappedBrokerWithDynamicListenersOn_ReturnsItsEndpoint()
    {
        var book = new BrokerAddressBook(dynamicListeners: true);
        var advertised = new BrokerEndpoint("proxy.example", 19092);
        book.Add(new HostPort("broker-1", 9092), advertised);

        Assert.Same(advertised, book.Map(1, Utf8("broker-1"), 9092));
    }

    [Fact]
    public void Map_NodeIdOfAMappedBroker_DoesNotMatter()
    {
        var book = new BrokerAddressBook(dynamicListeners: false);
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
        var book = new BrokerAddressBook(dynamicListeners: false);
        book.Add(new HostPort("broker-1", 9092), new BrokerEndpoint("127.0.0.1", 19092));

        var error = Assert.Throws<UnmappedBrokerException>(() => book.Map(9, Utf8(host), port));

        Assert.Equal(expected, error.Broker);
        Assert.StartsWith($"Broker {expected} appears in a response but has no KafkaProxy:Brokers or KafkaProxy:ExternalServers", error.Message, StringComparison.Ordinal);
        Assert.Contains("dynamic listeners are disabled", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_EmptyBookWithDynamicListenersOff_Throws()
    {
        var book = new BrokerAddressBook(dynamicListeners: false);

        var error = Assert.Throws<UnmappedBrokerException>(() => book.Map(0, Utf8("broker-0"), 9092));

        Assert.Equal("broker-0:9092", error.Broker);
    }

    [Fact]
    public void Map_NonAsciiHost_IsComparedAsUtf8()
    {
        var book = new BrokerAddressBook(dynamicListeners: false);
        var advertised = new BrokerEndpoint("127.0.0.1", 19092);
        book.Add(new HostPort("brøker-ü", 9092), advertised);

        Assert.Same(advertised, book.Map(1, Utf8("brøker-ü"), 9092));
        Assert.Equal("brøker-u:9092", Assert.Throws<UnmappedBrokerException>(() => book.Map(1, Utf8("brøker-u"), 9092)).Broker);
    }

    [Fact]
    public void Map_UnknownBrokerWithDynamicListenersOn_OnlyLooksUpAndThrowsWithItsAddressAndNodeId()
    {
        var book = new BrokerAddressBook(dynamicListeners: true);
        book.Add(new HostPort("broker-1", 9092), new BrokerEndpoint("127.0.0.1", 19092));

        var first = Assert.Throws<UndiscoveredBrokerException>(() => book.Map(7, Utf8("broker-7"), 9093));
        var second = Assert.Throws<UndiscoveredBrokerException>(() => book.Map(7, Utf8("broker-7"), 9093));

        Assert.Equal(Utf8("broker-7"), first.HostUtf8);
        Assert.Equal((new HostPort("broker-7", 9093), 7), (first.Upstream, first.NodeId));
        Assert.Equal(first.Upstream, second.Upstream);
        Assert.False(book.Contains(Utf8("broker-7"), 9093));
    }

    [Fact]
    public void Add_HostBytesThatAreNotUtf8_AreFoundByTheSameBytes()
    {
        // A discovered broker is added under the bytes the response spelled, not a decoded string, so that the next
        // lookup of those bytes finds it even when they do not survive a round trip through UTF-16.
        var book = new BrokerAddressBook(dynamicListeners: true);
        byte[] host = [0x62, 0xFF, 0x6B];
        var advertised = new BrokerEndpoint("127.0.0.1", 30001);

        var undiscovered = Assert.Throws<UndiscoveredBrokerException>(() => book.Map(1, host, 9092));
        book.Add(undiscovered.HostUtf8, undiscovered.Port, advertised);

        Assert.True(book.Contains(host, 9092));
        Assert.Same(advertised, book.Map(1, host, 9092));
    }

    [Fact]
    public void Map_ConcurrentWithAdds_SeesEveryAddedBrokerAndLosesNone()
    {
        const int Count = 200;
        var book = new BrokerAddressBook(dynamicListeners: true);
        var added = Enumerable.Range(0, Count).Select(i => new BrokerEndpoint("mapped", 20000 + i)).ToArray();

        Parallel.For(0, Count * 2, i =>
        {
            int broker = i / 2;
            if (i % 2 == 0)
            {
                book.Add(new HostPort($"broker-{broker}", 9092), added[broker]);
            }
            else
            {
                try
                {
                    Assert.Same(added[broker], book.Map(broker, Utf8($"broker-{broker}"), 9092));
                }
                catch (UndiscoveredBrokerException)
                {
                    // Looked up before its Add ran.
                }
            }
        });

        for (int i = 0; i < Count; i++)
        {
            Assert.Same(added[i], book.Map(i, Utf8($"broker-{i}"), 9092));
        }
    }
}
