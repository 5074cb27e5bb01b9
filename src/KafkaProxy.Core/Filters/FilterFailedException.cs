namespace KafkaProxy.Core.Filters;

/// <summary>A filter threw or ran past its deadline: only the connection of that request closes.</summary>
internal sealed class FilterFailedException(string filter, KafkaRequest request, string reason, Exception? inner)
    : Exception($"filter '{filter}' failed on api key {request.ApiKey} v{request.ApiVersion} (correlation id {request.CorrelationId}): {reason}", inner)
{
    public string Filter { get; } = filter;
}
