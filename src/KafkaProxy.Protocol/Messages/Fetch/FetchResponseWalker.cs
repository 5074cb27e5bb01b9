using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Protocol.Messages.Fetch;

/// <summary>
/// Finds the NodeEndpoints (KIP-951) of a Fetch response, v16 on: top-level tagged field 0 after every topic.
/// Record data is skipped by its length, never read or copied.
/// </summary>
internal static class FetchResponseWalker
{
    public const short FirstVersionWithEndpoints = 16;
    public const short MaxVersion = 18;

    public static void Walk(ref KafkaReader reader, short version, RewritePlan plan)
    {
        reader.Skip(4 + 2 + 4, "throttle_time_ms, error_code and session_id");
        int topics = reader.ReadArrayLength(compact: true);
        for (int t = 0; t < topics; t++)
        {
            reader.Skip(16, "topic_id");
            int partitions = reader.ReadArrayLength(compact: true);
            for (int p = 0; p < partitions; p++)
            {
                // partition_index, error_code, high_watermark, last_stable_offset, log_start_offset
                reader.Skip(4 + 2 + 8 + 8 + 8, "partition data");
                int aborted = reader.ReadArrayLength(compact: true);
                for (int a = 0; a < aborted; a++)
                {
                    reader.Skip(8 + 8, "aborted transaction");
                    reader.SkipTaggedFields();
                }

                reader.Skip(4, "preferred_read_replica");
                reader.SkipBytes(compact: true); // records
                reader.SkipTaggedFields(); // diverging_epoch, current_leader, snapshot_id: no addresses
            }

            reader.SkipTaggedFields();
        }

        NodeEndpointsWalker.WalkTopLevelTaggedFields(ref reader, plan);
    }
}
