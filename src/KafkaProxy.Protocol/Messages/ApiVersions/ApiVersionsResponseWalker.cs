using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Protocol.Messages.ApiVersions;

/// <summary>
/// Lowers the max versions an ApiVersions response advertises to what the proxy can rewrite, so that a client
/// never negotiates a version whose addresses would pass through unrewritten. Flexible from v3, with a v0
/// response header in every version; a response with error 35 (UNSUPPORTED_VERSION) is in v0 layout whatever
/// version was asked (the protocol's fallback rule).
/// </summary>
internal static class ApiVersionsResponseWalker
{
    public const short MaxVersion = 4;
    public const short UnsupportedVersion = 35;

    public static void Walk(ref KafkaReader reader, short version, RewritePlan plan, ReadOnlySpan<short> maxVersions)
    {
        short errorCode = reader.ReadInt16();
        bool flexible = version >= 3 && errorCode != UnsupportedVersion;
        int count = reader.ReadArrayLength(flexible);
        for (int i = 0; i < count; i++)
        {
            short apiKey = reader.ReadInt16();
            reader.Skip(2, "min_version");
            long maxAt = reader.Consumed;
            short max = reader.ReadInt16();
            if (apiKey >= 0 && apiKey < maxVersions.Length && maxVersions[apiKey] >= 0 && max > maxVersions[apiKey])
            {
                plan.AddInt16(maxAt, maxVersions[apiKey]);
            }

            if (flexible)
            {
                reader.SkipTaggedFields();
            }
        }
    }
}
