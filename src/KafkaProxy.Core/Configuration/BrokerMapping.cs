namespace KafkaProxy.Core.Configuration;

/// <summary>
/// One mapped broker: the proxy listens on <see cref="Listen"/>, forwards to <see cref="Upstream"/>, and tells clients
/// that this broker is at <see cref="Advertised"/> (by default the listen address with its bound port).
/// </summary>
public sealed class BrokerMapping
{
    /// <summary>The broker's address as the cluster advertises it (what Metadata says).</summary>
    public HostPort Upstream { get; set; }

    /// <summary>Where the proxy listens for this broker's clients; port 0 picks a free port.</summary>
    public HostPort Listen { get; set; }

    /// <summary>The address clients are told; null means the listen address (with the bound port when port 0 was asked).</summary>
    public HostPort? Advertised { get; set; }

    /// <summary>
    /// Parses the Go kafka-proxy's format <c>broker:port,local:port[,advertised:port]</c>.
    /// </summary>
    /// <exception cref="FormatException">The value does not have two or three host:port parts.</exception>
    public static BrokerMapping Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string[] parts = SplitAddresses(value);
        if (parts.Length is < 2 or > 3)
        {
            throw new FormatException($"'{value}' must be 'broker:port,local:port' or 'broker:port,local:port,advertised:port'.");
        }

        return new BrokerMapping
        {
            Upstream = HostPort.Parse(parts[0]),
            Listen = HostPort.Parse(parts[1]),
            Advertised = parts.Length == 3 ? HostPort.Parse(parts[2]) : null,
        };
    }

    internal static string[] SplitAddresses(string value) => value.Split(',', StringSplitOptions.TrimEntries);

    /// <inheritdoc/>
    public override string ToString() => $"{Upstream},{Listen}" + (Advertised is { } a ? $",{a}" : string.Empty);
}
