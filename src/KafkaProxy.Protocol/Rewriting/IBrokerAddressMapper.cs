namespace KafkaProxy.Protocol.Rewriting;

/// <summary>Decides which address clients see for a broker address found in a response.</summary>
internal interface IBrokerAddressMapper
{
    /// <summary>
    /// Returns the endpoint clients must see in place of <paramref name="hostUtf8"/>:<paramref name="port"/>
    /// (the broker with <paramref name="nodeId"/>). Called while a response is being rewritten, so it must be fast;
    /// it may throw to refuse a broker it cannot map, which fails that response.
    /// </summary>
    /// <param name="nodeId">The node id the response gives for this address.</param>
    /// <param name="hostUtf8">The host as the broker wrote it, UTF-8; valid only during the call.</param>
    /// <param name="port">The port as the broker wrote it.</param>
    BrokerEndpoint Map(int nodeId, ReadOnlySpan<byte> hostUtf8, int port);
}
