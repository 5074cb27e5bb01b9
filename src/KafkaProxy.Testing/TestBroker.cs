namespace KafkaProxy.Testing;

/// <summary>One broker of a <see cref="KafkaTestCluster"/>: its node id and the loopback address it listens on.</summary>
/// <param name="Id">The broker's node id (1-based, as the cluster reports it in Metadata).</param>
/// <param name="Host">The host the broker listens on (always a loopback address).</param>
/// <param name="Port">The TCP port the broker listens on.</param>
public sealed record TestBroker(int Id, string Host, int Port)
{
    /// <summary>The broker's <c>host:port</c>, as a client's bootstrap list spells it.</summary>
    public string Address => $"{Host}:{Port}";
}
