namespace KafkaProxy.Testing;

/// <summary>One broker of a <see cref="KafkaTestCluster"/>: its node id and the loopback address it listens on.</summary>
public sealed class TestBroker
{
    internal TestBroker(int id, string host, int port)
    {
        Id = id;
        Host = host;
        Port = port;
    }

    /// <summary>The broker's node id (1-based, as the cluster reports it in Metadata).</summary>
    public int Id { get; }

    /// <summary>The host the broker listens on (always a loopback address).</summary>
    public string Host { get; }

    /// <summary>The TCP port the broker listens on.</summary>
    public int Port { get; }

    /// <summary>The broker's <c>host:port</c>, as a client's bootstrap list spells it.</summary>
    public string Address => $"{Host}:{Port}";
}
