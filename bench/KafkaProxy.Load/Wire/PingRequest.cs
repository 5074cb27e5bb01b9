using System.Buffers.Binary;
using System.Text;

namespace KafkaProxy.Load.Wire;

/// <summary>
/// The two small requests of the latency test, written from the Kafka message schemas: ApiVersions v2 (passed
/// through by the proxy) and Metadata v4 for no topics (its broker list is rewritten by the proxy). Both use
/// request header v1: api_key, api_version, correlation_id, client_id (a nullable int16-length string).
/// </summary>
internal sealed class PingRequest
{
    private const string ClientId = "kafkaproxy-load";
    private const int CorrelationIdOffset = 4 + 2 + 2;

    private readonly byte[] _frame;

    private PingRequest(string name, short apiKey, short apiVersion, byte[] body)
    {
        Name = name;
        byte[] clientId = Encoding.ASCII.GetBytes(ClientId);
        int size = 2 + 2 + 4 + 2 + clientId.Length + body.Length;
        _frame = new byte[4 + size];
        var span = _frame.AsSpan();
        BinaryPrimitives.WriteInt32BigEndian(span, size);
        BinaryPrimitives.WriteInt16BigEndian(span[4..], apiKey);
        BinaryPrimitives.WriteInt16BigEndian(span[6..], apiVersion);
        BinaryPrimitives.WriteInt16BigEndian(span[12..], (short)clientId.Length);
        clientId.CopyTo(span[14..]);
        body.CopyTo(span[(14 + clientId.Length)..]);
    }

    public string Name { get; }

    /// <summary>ApiVersions v2: an empty body.</summary>
    public static PingRequest ApiVersions() => new("ApiVersions v2", apiKey: 18, apiVersion: 2, []);

    /// <summary>Metadata v4: topics = [] (int32 0: no topics, only brokers), allow_auto_topic_creation = false.</summary>
    public static PingRequest Metadata() => new("Metadata v4", apiKey: 3, apiVersion: 4, [0, 0, 0, 0, 0]);

    /// <summary>The whole frame with <paramref name="correlationId"/> written into it.</summary>
    public ReadOnlySpan<byte> Frame(int correlationId)
    {
        BinaryPrimitives.WriteInt32BigEndian(_frame.AsSpan(CorrelationIdOffset), correlationId);
        return _frame;
    }
}
