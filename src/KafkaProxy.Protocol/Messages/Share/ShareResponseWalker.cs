using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Protocol.Messages.Share;

/// <summary>
/// Finds the NodeEndpoints of ShareFetch and ShareAcknowledge responses (KIP-932, v0-2, flexible throughout).
/// There NodeEndpoints is a regular field after the topics, not a tagged one.
/// </summary>
internal static class ShareResponseWalker
{
    public const short MaxVersion = 2;

    public static void Walk(ref KafkaReader reader, ApiKey apiKey, short version, RewritePlan plan)
    {
        bool fetch = apiKey == ApiKey.ShareFetch;
        reader.Skip(4 + 2, "throttle_time_ms and error_code");
        reader.SkipString(compact: true); // error_message
        if ((fetch && version >= 1) || (!fetch && version >= 2))
        {
            reader.Skip(4, "acquisition_lock_timeout_ms");
        }

        int topics = reader.ReadArrayLength(compact: true);
        for (int t = 0; t < topics; t++)
        {
            reader.Skip(16, "topic_id");
            int partitions = reader.ReadArrayLength(compact: true);
            for (int p = 0; p < partitions; p++)
            {
                reader.Skip(4 + 2, "partition_index and error_code");
                reader.SkipString(compact: true); // error_message
                if (fetch)
                {
                    reader.Skip(2, "acknowledge_error_code");
                    reader.SkipString(compact: true); // acknowledge_error_message
                }

                reader.Skip(4 + 4, "current_leader");
                reader.SkipTaggedFields();
                if (fetch)
                {
                    reader.SkipBytes(compact: true); // records
                    int acquired = reader.ReadArrayLength(compact: true);
                    for (int a = 0; a < acquired; a++)
                    {
                        reader.Skip(8 + 8 + 2, "acquired records");
                        reader.SkipTaggedFields();
                    }
                }

                reader.SkipTaggedFields();
            }

            reader.SkipTaggedFields();
        }

        NodeEndpointsWalker.WalkArray(ref reader, plan);
    }
}
