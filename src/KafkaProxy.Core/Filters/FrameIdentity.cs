namespace KafkaProxy.Core.Filters;

/// <summary>Which request a filtered frame is, or answers: for the chain's table and for failure messages.</summary>
internal readonly record struct FrameIdentity(short ApiKey, short ApiVersion, int CorrelationId, bool IsResponse);
