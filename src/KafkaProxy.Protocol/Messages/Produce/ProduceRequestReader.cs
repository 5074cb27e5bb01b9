using System.Buffers;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Messages.Produce;

/// <summary>Reads the one thing a proxy needs from a Produce request: its <c>acks</c> (0 means no response will come).</summary>
internal static class ProduceRequestReader
{
    /// <summary>
    /// Reads acks from the start of a Produce request payload (header included). v3+ carries a transactional id before
    /// acks; v9+ uses header v2 and a compact transactional id.
    /// </summary>
    /// <param name="payload">The payload, or as much of its start as has arrived.</param>
    /// <param name="isComplete">True when <paramref name="payload"/> is the whole payload.</param>
    /// <param name="header">The request's header.</param>
    /// <param name="acks">The acks value.</param>
    /// <returns>False when a partial payload ends before acks: wait for more bytes and call again.</returns>
    /// <exception cref="KafkaProtocolException">A complete payload is malformed.</exception>
    public static bool TryReadAcks(in ReadOnlySequence<byte> payload, bool isComplete, RequestHeader header, out short acks)
    {
        acks = 0;
        var reader = new KafkaReader(payload, header.ApiKey, header.ApiVersion);
        try
        {
            header.SkipHeader(ref reader);
            if (header.ApiVersion >= 3)
            {
                reader.SkipString(KafkaApis.IsFlexible(header.ApiKey, header.ApiVersion)); // transactional_id
            }

            acks = reader.ReadInt16();
            return true;
        }
        catch (KafkaProtocolException) when (!isComplete)
        {
            // A length that runs past what has arrived may still be satisfied by the rest of the frame.
            return false;
        }
    }
}
