using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Protocol.Messages.ApiVersions;

/// <summary>
/// Lowers the max versions an ApiVersions response advertises to what the proxy can rewrite, so that a client
/// never negotiates a version whose addresses would pass through unrewritten. Flexible from v3, with a v0
/// response header in every version.
/// </summary>
/// <remarks>
/// A response with error 35 (UNSUPPORTED_VERSION) only tells the client which ApiVersions versions to retry with;
/// the protocol says it is in v0 layout, but brokers differ (librdkafka's mock cluster writes a compact count of 0
/// followed by one entry). It carries nothing to clamp, so it passes through verbatim and the retried request's
/// response is clamped instead.
/// </remarks>
internal static class ApiVersionsResponseWalker
{
    public const short MaxVersion = 4;
    public const short UnsupportedVersion = 35;

    public static void Walk(ref KafkaReader reader, short version, RewritePlan plan, ReadOnlySpan<short> maxVersions)
    {
        short errorCode = reader.ReadInt16();
        if (errorCode == UnsupportedVersion)
        {
            return;
        }

        bool flexible = version >= 3;
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
