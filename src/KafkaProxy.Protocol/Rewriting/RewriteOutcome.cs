namespace KafkaProxy.Protocol.Rewriting;

/// <summary>What <see cref="ResponseRewriter.Plan"/> found a response needs.</summary>
internal enum RewriteOutcome
{
    /// <summary>Nothing: it passes as it is.</summary>
    Unchanged,

    /// <summary>The edits <see cref="ResponseRewriter.EmitEdits"/> hands over.</summary>
    Edits,

    /// <summary>An ApiVersions response too new to clamp: <see cref="ApiVersionsFallback.FallbackBody"/> replaces its body.</summary>
    Fallback,
}
