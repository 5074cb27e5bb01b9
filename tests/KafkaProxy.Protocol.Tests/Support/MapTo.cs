using System.Text;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Protocol.Tests.Support;

/// <summary>Maps node N to proxy:(9000+N) and records what it was asked.</summary>
internal sealed class MapTo : IBrokerAddressMapper
{
    private readonly Func<int, string, int, BrokerEndpoint> _map;

    public MapTo(Func<int, string, int, BrokerEndpoint> map) => _map = map;

    public static MapTo Proxy { get; } = new((node, _, _) => new BrokerEndpoint(ProxyHost, ProxyPort(node)));

    public static MapTo Identity { get; } = new((_, host, port) => new BrokerEndpoint(host, port));

    public const string ProxyHost = "proxy.local";

    public static int ProxyPort(int node) => 9000 + Math.Abs(node % 1000);

    public List<(int Node, string Host, int Port)> Seen { get; } = [];

    public BrokerEndpoint Map(int nodeId, ReadOnlySpan<byte> hostUtf8, int port)
    {
        string host = Encoding.UTF8.GetString(hostUtf8);
        Seen.Add((nodeId, host, port));
        return _map(nodeId, host, port);
    }
}
