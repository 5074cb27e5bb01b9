namespace KafkaProxy.Load.Scenarios;

/// <summary>Where a scenario's clients connect: the brokers themselves, or the proxy's listeners for them.</summary>
/// <param name="Name">"direct" or "proxied".</param>
/// <param name="Brokers">One <c>host:port</c> per broker, broker 1 first.</param>
internal sealed record Target(string Name, IReadOnlyList<string> Brokers)
{
    public string BootstrapServers => string.Join(',', Brokers);

    public (string Host, int Port) FirstBroker
    {
        get
        {
            string first = Brokers[0];
            int colon = first.LastIndexOf(':');
            return (first[..colon], int.Parse(first.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
