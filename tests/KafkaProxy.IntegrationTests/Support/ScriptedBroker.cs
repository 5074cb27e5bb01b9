using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>
/// A broker as small as a test needs, on a loopback port: it answers ApiVersions v0 and Metadata v1 with bytes built here
/// from the message schemas, naming whichever brokers the test chooses (a buggy or hostile upstream). Any other request
/// closes its connection.
/// </summary>
internal sealed class ScriptedBroker : LoopbackBroker
{
    private const short MetadataKey = 3;
    private const short ApiVersionsKey = 18;

    private readonly Func<IReadOnlyList<NamedBroker>> _brokers;
    private int _metadataAnswers;

    /// <param name="brokers">The brokers each Metadata answer names, asked for anew per answer.</param>
    public ScriptedBroker(Func<IReadOnlyList<NamedBroker>> brokers)
    {
        _brokers = brokers;
    }

    public int MetadataAnswers => Volatile.Read(ref _metadataAnswers);

    protected override byte[]? Answer(short apiKey, short version, byte[] request)
    {
        var body = new ArrayBufferWriter<byte>();
        switch (apiKey, version)
        {
            case (ApiVersionsKey, 0):
                WriteApiVersionsV0(body);
                break;
            case (MetadataKey, 1):
                WriteMetadataV1(body, _brokers());
                Interlocked.Increment(ref _metadataAnswers);
                break;
            default:
                return null;
        }

        return body.WrittenSpan.ToArray();
    }

    // ApiVersionsResponse v0: error_code, [api_key, min_version, max_version].
    private static void WriteApiVersionsV0(ArrayBufferWriter<byte> body)
    {
        body.WriteInt16(0);
        body.WriteInt32(2);
        body.WriteInt16(MetadataKey);
        body.WriteInt16(1);
        body.WriteInt16(1);
        body.WriteInt16(ApiVersionsKey);
        body.WriteInt16(0);
        body.WriteInt16(0);
    }

    // MetadataResponse v1: [node_id, host, port, rack], controller_id, [topics] (none).
    private static void WriteMetadataV1(ArrayBufferWriter<byte> body, IReadOnlyList<NamedBroker> brokers)
    {
        body.WriteInt32(brokers.Count);
        foreach (var broker in brokers)
        {
            body.WriteInt32(broker.NodeId);
            body.WriteString(broker.Host, compact: false);
            body.WriteInt32(broker.Port);
            body.WriteInt16(-1); // rack: null
        }

        body.WriteInt32(brokers.Count > 0 ? brokers[0].NodeId : -1);
        body.WriteInt32(0);
    }

    /// <summary>A broker as a Metadata answer names it; <paramref name="Host"/> is the exact bytes, valid UTF-8 or not.</summary>
    internal sealed record NamedBroker(int NodeId, byte[] Host, int Port);
}
