using System.Text;
using KafkaProxy.Core.Configuration;

namespace KafkaProxy.Core.Proxy;

/// <summary>
/// A response names a broker that has no listener yet: the response pump stops before it, has
/// <see cref="DynamicListeners"/> start one, and rewrites the response again.
/// </summary>
internal sealed class UndiscoveredBrokerException(byte[] hostUtf8, int port, int nodeId)
    : Exception($"Broker {new HostPort(Encoding.UTF8.GetString(hostUtf8), port)} (node {nodeId}) has no listener yet.")
{
    /// <summary>The host exactly as the response spells it, UTF-8.</summary>
    public byte[] HostUtf8 { get; } = hostUtf8;

    public int Port { get; } = port;

    public int NodeId { get; } = nodeId;

    public HostPort Upstream => new(Encoding.UTF8.GetString(HostUtf8), Port);
}
