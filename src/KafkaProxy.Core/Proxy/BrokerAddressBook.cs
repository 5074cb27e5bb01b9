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

    public BrokerEndpoint Map(int nodeId, ReadOnlySpan<byte> hostUtf8, int port)
    {
        if (TryFind(_entries, hostUtf8, port, out var found))
        {
            return found;
        }

        if (_dynamicListeners)
        {
            throw new UndiscoveredBrokerException(hostUtf8.ToArray(), port, nodeId);
        }

        throw new UnmappedBrokerException(new HostPort(Encoding.UTF8.GetString(hostUtf8), port).ToString());
    }

    private static bool TryFind(Entry[] entries, ReadOnlySpan<byte> host, int port, out BrokerEndpoint advertised)
    {
        foreach (var entry in entries)
        {
            if (entry.Port == port && host.SequenceEqual(entry.HostUtf8))
            {
                advertised = entry.Advertised;
                return true;
            }
        }

        advertised = null!;
        return false;
    }

    private sealed record Entry(byte[] HostUtf8, int Port, BrokerEndpoint Advertised);
}
