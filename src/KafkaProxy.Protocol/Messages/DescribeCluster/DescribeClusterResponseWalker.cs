using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Protocol.Messages.DescribeCluster;

/// <summary>Finds the broker addresses of a DescribeCluster response (v0-2, flexible in every version).</summary>
internal static class DescribeClusterResponseWalker
{
    public const short MaxVersion = 2;

    public static void Walk(ref KafkaReader reader, short version, RewritePlan plan)
    {
        reader.Skip(4 + 2, "throttle_time_ms and error_code");
        reader.SkipString(compact: true); // error_message
        if (version >= 1)
        {
            reader.Skip(1, "endpoint_type");
        }

        reader.SkipString(compact: true); // cluster_id
        reader.Skip(4, "controller_id");
        int brokers = reader.ReadArrayLength(compact: true);
        for (int i = 0; i < brokers; i++)
        {
            int brokerId = reader.ReadInt32();
            plan.AddHostPort(ref reader, brokerId, compact: true);
            reader.SkipString(compact: true); // rack
            if (version >= 2)
            {
                reader.Skip(1, "is_fenced");
            }

            reader.SkipTaggedFields();
        }
    }
}
