namespace KafkaProxy.Core.Proxy;

/// <summary>A response named a broker that no mapping covers while dynamic listeners are off, or that SNI routing cannot name.</summary>
internal sealed class UnmappedBrokerException : Exception
{
    /// <summary>Creates the exception for <paramref name="broker"/>.</summary>
    public UnmappedBrokerException(string broker)
        : base($"Broker {broker} appears in a response but has no KafkaProxy:Brokers or KafkaProxy:ExternalServers, and dynamic listeners are disabled. Map it, or enable dynamic listeners.")
    {
        Broker = broker;
    }

    /// <summary>Creates the exception for <paramref name="broker"/>, with the reason it cannot be mapped.</summary>
    public UnmappedBrokerException(string broker, string message)
        : base(message)
    {
        Broker = broker;
    }

    /// <summary>The broker's address as the response gave it.</summary>
    public string Broker { get; }
}
