using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Protocol.Messages.Metadata;

/// <summary>
/// Finds the broker addresses of a Metadata response (v0-13). Flexible from v9. Addresses live only in the
/// brokers array, so the walk stops after it and the rest (topics, trailing bytes) is copied verbatim.
/// </summary>
internal static class MetadataResponseWalker
{
    public const short MaxVersion = 13;

    public static void Walk(ref KafkaReader reader, short version, RewritePlan plan)
    {
        bool flexible = version >= 9;
        if (version >= 3)
        {
            reader.Skip(4, "throttle_time_ms");
        }

        int brokers = reader.ReadArrayLength(flexible);
        for (int i = 0; i < brokers; i++)
        {
            int nodeId = reader.ReadInt32();
            plan.AddHostPort(ref reader, nodeId, flexible);
            if (version >= 1)
            {
                reader.SkipString(flexible); // rack
            }

            if (flexible)
            {
                reader.SkipTaggedFields();
            }
        }
    }
}
