using System.Collections.Concurrent;
using KafkaProxy.Core.Filters;

namespace KafkaProxy.IntegrationTests.Filters;

/// <summary>A response filter that wants what <paramref name="wants"/> says and does what <paramref name="onResponse"/> does.</summary>
internal sealed class ResponseFilter(string name, Func<short, short, bool> wants, Func<KafkaResponse, CancellationToken, ValueTask> onResponse) : IKafkaResponseFilter
{
    public string Name { get; } = name;

    /// <summary>What passed: api key and version, correlation id, whether the proxy answered, and a copy of the body.</summary>
    public ConcurrentQueue<(short ApiKey, short ApiVersion, int CorrelationId, bool AnsweredByProxy, byte[] Body)> Seen { get; } = new();

    public bool WantsResponse(short apiKey, short apiVersion) => wants(apiKey, apiVersion);

    public ValueTask OnResponseAsync(KafkaResponse response, CancellationToken cancellationToken)
    {
        Seen.Enqueue((response.ApiKey, response.ApiVersion, response.CorrelationId, response.AnsweredByProxy, System.Buffers.BuffersExtensions.ToArray(response.Body)));
        return onResponse(response, cancellationToken);
    }

    public static ResponseFilter Watching(Func<short, short, bool> wants) => new("watch-responses", wants, (_, _) => ValueTask.CompletedTask);
}
