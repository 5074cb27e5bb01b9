using System.Text;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Core.Proxy;

/// <summary>
/// Maps every broker address responses carry to the address clients must see: a mapped listener, an external
/// address, or a dynamic listener. It only looks up: a broker it does not know fails the rewrite, with
/// <see cref="UndiscoveredBrokerException"/> when dynamic listeners are on (the connection has
/// <see cref="DynamicListeners"/> start one and rewrites the response again) and <see cref="UnmappedBrokerException"/>
/// when they are off. A broker keeps its address for the life of the process. Lookups are lock-free over a
/// copy-on-write array and allocate nothing.
/// </summary>
internal sealed class BrokerAddressBook : IBrokerAddressMapper
{
    private readonly bool _dynamicListeners;
    private readonly Lock _gate = new();
    private volatile Entry[] _entries = [];

    /// <param name="dynamicListeners">True when brokers missing from the book may get a dynamic listener.</param>
    public BrokerAddressBook(bool dynamicListeners) => _dynamicListeners = dynamicListeners;

    public void Add(HostPort upstream, BrokerEndpoint advertised) => Add(Encoding.UTF8.GetBytes(upstream.Host), upstream.Port, advertised);

    /// <summary>Adds a broker under the exact bytes a response spells its host with.</summary>
    public void Add(ReadOnlySpan<byte> hostUtf8, int port, BrokerEndpoint advertised)
    {
        var entry = new Entry(hostUtf8.ToArray(), port, advertised);
        lock (_gate)
        {
            _entries = [.. _entries, entry];
        }
    }

    public bool Contains(ReadOnlySpan<byte> hostUtf8, int port) => TryFind(_entries, hostUtf8, port, out _);

    /// <summary>The node id responses last gave the broker at <paramref name="upstream"/>, or null before any did (names chaos proxies).</summary>
    public int? NodeIdOf(HostPort upstream)
    {
        byte[] host = Encoding.UTF8.GetBytes(upstream.Host);
        return TryFind(_entries, host, upstream.Port, out var entry) && entry.NodeId >= 0 ? entry.NodeId : null;
    }

    public BrokerEndpoint Map(int nodeId, ReadOnlySpan<byte> hostUtf8, int port)
    {
        if (TryFind(_entries, hostUtf8, port, out var found))
        {
            if (found.NodeId != nodeId && nodeId >= 0)
            {
                found.NodeId = nodeId;
            }

            return found.Advertised;
        }

        if (_dynamicListeners)
        {
            throw new UndiscoveredBrokerException(hostUtf8.ToArray(), port, nodeId);
        }

        throw new UnmappedBrokerException(new HostPort(Encoding.UTF8.GetString(hostUtf8), port).ToString());
    }

    private static bool TryFind(Entry[] entries, ReadOnlySpan<byte> host, int port, out Entry found)
    {
        foreach (var entry in entries)
        {
            if (entry.Port == port && host.SequenceEqual(entry.HostUtf8))
            {
                found = entry;
                return true;
            }
        }

        found = null!;
        return false;
    }

    private sealed class Entry(byte[] hostUtf8, int port, BrokerEndpoint advertised)
    {
        private int _nodeId = -1;

        public byte[] HostUtf8 { get; } = hostUtf8;

        public int Port { get; } = port;

        public BrokerEndpoint Advertised { get; } = advertised;

        /// <summary>The node id a response last named at this address; -1 before any did.</summary>
        public int NodeId { get => Volatile.Read(ref _nodeId); set => Volatile.Write(ref _nodeId, value); }
    }
}
