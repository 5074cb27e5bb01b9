using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Protocol.Messages.Common;

/// <summary>
/// The NodeEndpoints structure of KIP-951 (Produce v10+, Fetch v16+) and KIP-932 (ShareFetch, ShareAcknowledge):
/// a compact array of node id, host, port, rack. In Produce and Fetch it travels as top-level tagged field 0,
/// whose size prefix must follow the rewritten length.
/// </summary>
internal static class NodeEndpointsWalker
{
    public const uint TopLevelTag = 0;

    /// <summary>Walks a NodeEndpoints compact array.</summary>
    public static void WalkArray(ref KafkaReader reader, RewritePlan plan)
    {
        int count = reader.ReadArrayLength(compact: true);
        for (int i = 0; i < count; i++)
        {
            int nodeId = reader.ReadInt32();
            plan.AddHostPort(ref reader, nodeId, compact: true);
            reader.SkipString(compact: true); // rack
            reader.SkipTaggedFields();
        }
    }

    /// <summary>
    /// Walks a top-level tagged-field section, rewriting the NodeEndpoints found under tag 0 and fixing that field's
    /// size; other tags are skipped. Bytes inside the field after the known structure are kept.
    /// </summary>
    public static void WalkTopLevelTaggedFields(ref KafkaReader reader, RewritePlan plan)
    {
        uint count = reader.ReadUnsignedVarInt();
        for (uint i = 0; i < count; i++)
        {
            uint tag = reader.ReadUnsignedVarInt();
            long sizeStart = reader.Consumed;
            uint size = reader.ReadUnsignedVarInt();
            long sizeEnd = reader.Consumed;
            if (tag != TopLevelTag)
            {
                reader.Skip(size, "tagged field");
                continue;
            }

            if (size > reader.Remaining)
            {
                throw reader.Malformed($"tagged field of {size} bytes is longer than the {reader.Remaining} bytes left");
            }

            int placeholder = plan.AddVarIntPlaceholder(sizeStart, sizeEnd);
            long deltaBefore = plan.Delta;
            WalkArray(ref reader, plan);
            long walked = reader.Consumed - sizeEnd;
            if (walked > size)
            {
                throw reader.Malformed($"NodeEndpoints ran {walked - size} bytes past its tagged field");
            }

            reader.Skip(size - walked, "tagged field");
            plan.SetVarInt(placeholder, checked((uint)(size + (plan.Delta - deltaBefore))));
        }
    }
}
