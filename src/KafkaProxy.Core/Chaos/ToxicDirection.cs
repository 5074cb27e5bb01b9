namespace KafkaProxy.Core.Chaos;

/// <summary>Which way a toxic acts, as Toxiproxy names it: upstream is client → broker, downstream broker → client.</summary>
internal enum ToxicDirection
{
    /// <summary>Client → broker (requests).</summary>
    Upstream,

    /// <summary>Broker → client (responses).</summary>
    Downstream,
}
