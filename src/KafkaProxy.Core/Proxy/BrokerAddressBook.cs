using System.Text;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Core.Proxy;

/// <summary>
/// Maps every broker address responses carry to the address clients must see: a mapped listener, an external
/// address, or a dynamic listener started on the spot. A broker keeps its listener for the life of the process.
/// Lookups are lock-free over a copy-on-write array and allocate nothing.
/// </summary>
internal sealed class BrokerAddressBook : IBrokerAddressMapper
{
    private readonly Func<HostPort, int, BrokerEndpoint>? _startDynamicListener;
    private readonly Lock _gate = new();
    private volatile Entry[] _entries = [];

    /// <param name="startDynamicListener">Starts a listener for a discovered broker (address, node id) and returns its advertised endpoint; null when dynamic listeners are off.</param>
    public BrokerAddressBook(Func<HostPort, int, BrokerEndpoint>? startDynamicListener) => _startDynamicListener = startDynamicListener;

    public void Add(HostPort upstream, BrokerEndpoint advertised)
    {
        lock (_gate)
        {
            _entries = [.. _entries, new Entry(Encoding.UTF8.GetBytes(upstream.Host), upstream.Port, advertised)];
        }
    }

    public BrokerEndpoint Map(int nodeId, ReadOnlySpan<byte> hostUtf8, int port)
    {
        if (TryFind(_entries, hostUtf8, port, out var found))
        {
            return found;
        }

        var upstream = new HostPort(Encoding.UTF8.GetString(hostUtf8), port);
        if (_startDynamicListener is null)
        {
            throw new UnmappedBrokerException(upstream.ToString());
        }

        lock (_gate)
        {
            if (TryFind(_entries, hostUtf8, port, out found))
            {
                return found;
            }

            var advertised = _startDynamicListener(upstream, nodeId);
            _entries = [.. _entries, new Entry(Encoding.UTF8.GetBytes(upstream.Host), port, advertised)];
            return advertised;
        }
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
