namespace KafkaProxy.Core.Filters.Tracing;

/// <summary>
/// Spans per request (<c>KafkaProxy:Tracing</c>): off until api keys are named. The frames of those keys are then read
/// whole before they are forwarded (as any filter's frames are), whether or not a span is made; the others stream as
/// before. A span is made for a sampled share of them, and only while traces are exported.
/// </summary>
internal sealed class RequestTracingOptions
{
    /// <summary>The api keys whose requests get spans; none until configured.</summary>
    public ISet<short> ApiKeys { get; } = new SortedSet<short>();

    /// <summary>The share of those requests that get a span, from 0 to 1 (default 0.01: one in a hundred).</summary>
    public double SampleRatio { get; set; } = 0.01;

    public bool Enabled => ApiKeys.Count > 0;
}
