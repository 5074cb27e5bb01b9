namespace KafkaProxy.Core.Configuration;

/// <summary>
/// A pair of addresses: <c>--external-server-mapping</c> (advertise <see cref="To"/> for broker <see cref="From"/>, whose
/// listener runs elsewhere) and <c>--dial-address-mapping</c> (dial <see cref="To"/> when connecting to broker <see cref="From"/>).
/// </summary>
public sealed class AddressMapping
{
    /// <summary>The broker's address as the cluster advertises it.</summary>
    public HostPort From { get; set; }

    /// <summary>The address to use instead.</summary>
    public HostPort To { get; set; }

    /// <summary>Parses <c>from:port,to:port</c>.</summary>
    /// <exception cref="FormatException">The value is not two host:port parts.</exception>
    public static AddressMapping Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string[] parts = BrokerMapping.SplitAddresses(value);
        if (parts.Length != 2)
        {
            throw new FormatException($"'{value}' must be 'broker:port,other:port'.");
        }

        return new AddressMapping { From = HostPort.Parse(parts[0]), To = HostPort.Parse(parts[1]) };
    }

    /// <inheritdoc/>
    public override string ToString() => $"{From},{To}";
}
