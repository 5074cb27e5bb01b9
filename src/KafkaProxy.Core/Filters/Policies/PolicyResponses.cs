using System.Buffers;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Filters.Policies;

/// <summary>
/// The answers the policies give instead of the broker, in each message's own error layout: POLICY_VIOLATION (44) for
/// every partition of a Produce, or for each topic of a CreateTopics, with the message saying which policy.
/// </summary>
internal static class PolicyResponses
{
    public const short PolicyViolation = 44;

    /// <summary>A Produce response body (v0-v13) refusing every partition of <paramref name="request"/>.</summary>
    public static byte[] Produce(ProduceRequestFacts request, short version, string message)
    {
        bool flexible = version >= 9;
        var writer = new ArrayBufferWriter<byte>();
        writer.WriteArrayLength(request.Topics.Count, flexible);
        foreach (var topic in request.Topics)
        {
            if (version >= 13)
            {
                writer.WriteUuid(topic.Id);
            }
            else
            {
                writer.WriteString(topic.Name, flexible);
            }

            writer.WriteArrayLength(topic.Partitions.Count, flexible);
            foreach (var partition in topic.Partitions)
            {
                writer.WriteInt32(partition.Index);
                writer.WriteInt16(PolicyViolation);
                writer.WriteInt64(-1);                      // base offset
                if (version >= 2)
                {
                    writer.WriteInt64(-1);                  // log append time
                }

                if (version >= 5)
                {
                    writer.WriteInt64(-1);                  // log start offset
                }

                if (version >= 8)
                {
                    writer.WriteArrayLength(0, flexible);   // record errors
                    writer.WriteString(message, flexible);  // error message
                }

                WriteNoTags(writer, flexible);
            }

            WriteNoTags(writer, flexible);
        }

        if (version >= 1)
        {
            writer.WriteInt32(0);                           // throttle time
        }

        WriteNoTags(writer, flexible);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>A CreateTopics response body (v0-v7) giving each topic of <paramref name="request"/> its error.</summary>
    public static byte[] CreateTopics(CreateTopicsRequestFacts request, short version, IReadOnlyList<string> messages)
    {
        bool flexible = version >= 5;
        var writer = new ArrayBufferWriter<byte>();
        if (version >= 2)
        {
            writer.WriteInt32(0);                           // throttle time
        }

        writer.WriteArrayLength(request.Topics.Count, flexible);
        for (int i = 0; i < request.Topics.Count; i++)
        {
            var topic = request.Topics[i];
            writer.WriteString(topic.Name, flexible);
            if (version >= 7)
            {
                writer.WriteUuid(Guid.Empty);               // topic id: none was created
            }

            writer.WriteInt16(PolicyViolation);
            if (version >= 1)
            {
                writer.WriteString(messages[i], flexible);
            }

            if (version >= 5)
            {
                writer.WriteInt32(-1);                      // partitions
                writer.WriteInt16(-1);                      // replication factor
                writer.WriteArrayLength(-1, flexible);      // configs: null
            }

            WriteNoTags(writer, flexible);
        }

        WriteNoTags(writer, flexible);
        return writer.WrittenSpan.ToArray();
    }

    private static void WriteNoTags(ArrayBufferWriter<byte> writer, bool flexible)
    {
        if (flexible)
        {
            writer.WriteUnsignedVarInt(0);
        }
    }
}
