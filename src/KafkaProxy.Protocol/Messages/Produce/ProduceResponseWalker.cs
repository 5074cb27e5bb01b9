using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Protocol.Messages.Produce;

/// <summary>
/// Finds the NodeEndpoints (KIP-951: where the new leaders are, after NOT_LEADER_OR_FOLLOWER) of a Produce response.
/// They exist from v10 on, as top-level tagged field 0 after every topic and partition; the walk passes over the
/// partition results field by field and never looks at anything else.
/// </summary>
internal static class ProduceResponseWalker
{
    public const short FirstVersionWithEndpoints = 10;
    public const short MaxVersion = 13;

    public static void Walk(ref KafkaReader reader, short version, RewritePlan plan)
    {
        int topics = reader.ReadArrayLength(compact: true);
        for (int t = 0; t < topics; t++)
        {
            if (version >= 13)
            {
                reader.Skip(16, "topic_id");
            }
            else
            {
                reader.SkipString(compact: true); // name
            }

            int partitions = reader.ReadArrayLength(compact: true);
            for (int p = 0; p < partitions; p++)
            {
                // index, error_code, base_offset, log_append_time_ms, log_start_offset
                reader.Skip(4 + 2 + 8 + 8 + 8, "partition response");
                int recordErrors = reader.ReadArrayLength(compact: true);
                for (int e = 0; e < recordErrors; e++)
                {
                    reader.Skip(4, "batch_index");
                    reader.SkipString(compact: true); // batch_index_error_message
                    reader.SkipTaggedFields();
                }

                reader.SkipString(compact: true); // error_message
                reader.SkipTaggedFields(); // current_leader (tag 0) holds an id and an epoch, no address
            }

            reader.SkipTaggedFields();
        }

        reader.Skip(4, "throttle_time_ms");
        NodeEndpointsWalker.WalkTopLevelTaggedFields(ref reader, plan);
    }
}
