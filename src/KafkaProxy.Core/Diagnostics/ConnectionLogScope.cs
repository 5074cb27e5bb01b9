using System.Collections;
using System.Globalization;
using System.Net;

namespace KafkaProxy.Core.Diagnostics;

/// <summary>
/// The logging scope of one client connection: every line logged while it runs carries its id, the client's address,
/// the broker, the virtual cluster (when there is one) and the principal (once authenticated) as fields, which the JSON
/// console formatter writes under <c>Scopes</c> (with <c>IncludeScopes</c>). Fields are read when a line is written,
/// so a broker chosen later (SNI) or a principal authenticated later shows from then on.
/// </summary>
internal sealed class ConnectionLogScope(long connectionId, EndPoint? client, string broker) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private string? _clientAddress;

    public long ConnectionId { get; } = connectionId;

    /// <summary>The client's address as text, made when a line first needs it (at the default level most connections log none).</summary>
    public string? ClientAddress => _clientAddress ??= client?.ToString();

    public string Broker { get; set; } = broker;

    public string? VirtualCluster { get; set; }

    public string? Principal { get; set; }

    public int Count => 5;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("ConnectionId", ConnectionId),
        1 => new("ClientAddress", ClientAddress),
        2 => new("Broker", Broker),
        3 => new("VirtualCluster", VirtualCluster),
        4 => new("Principal", Principal),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"connection {ConnectionId} from {ClientAddress} to {Broker}");
}
