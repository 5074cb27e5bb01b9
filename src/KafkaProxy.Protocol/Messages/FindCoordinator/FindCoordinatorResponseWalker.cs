using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Protocol.Messages.FindCoordinator;

/// <summary>
/// Finds the coordinator addresses of a FindCoordinator response: one node in v0-3, a batch of coordinators
/// (one per requested key) in v4+ (KIP-699). Flexible from v3.
/// </summary>
internal static class FindCoordinatorResponseWalker
{
    public const short MaxVersion = 6;

    public static void Walk(ref KafkaReader reader, short version, RewritePlan plan)
    {
        bool flexible = version >= 3;
        if (version >= 1)
        {
            reader.Skip(4, "throttle_time_ms");
        }

        if (version < 4)
        {
            reader.Skip(2, "error_code");
            if (version >= 1)
            {
                reader.SkipString(flexible); // error_message
            }

            int nodeId = reader.ReadInt32();
            plan.AddHostPort(ref reader, nodeId, flexible);
            return;
        }

        int coordinators = reader.ReadArrayLength(compact: true);
        for (int i = 0; i < coordinators; i++)
        {
            reader.SkipString(compact: true); // key
            int nodeId = reader.ReadInt32();
            plan.AddHostPort(ref reader, nodeId, compact: true);
            reader.Skip(2, "error_code");
            reader.SkipString(compact: true); // error_message
            reader.SkipTaggedFields();
        }
    }
}
