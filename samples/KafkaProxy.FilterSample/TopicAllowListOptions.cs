namespace KafkaProxy.FilterSample;

/// <summary>
/// Which topics each client may produce to and create (configuration <c>KafkaProxy:Filters:TopicAllowList</c>). A
/// principal is the user a client authenticated as at the proxy (<c>KafkaProxy:ClientAuth</c>); clients that did not
/// authenticate get <see cref="Anonymous"/>. A principal not listed may use no topic.
/// </summary>
public sealed class TopicAllowListOptions
{
    /// <summary>Per principal, the topic names it may use, for example <c>"alice": ["orders", "payments"]</c>.</summary>
    public Dictionary<string, List<string>> Principals { get; } = new(StringComparer.Ordinal);

    /// <summary>The topics clients without a principal (no client authentication at the proxy) may use.</summary>
    public List<string> Anonymous { get; } = [];
}
