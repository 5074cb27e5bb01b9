using System.Collections.Concurrent;
using KafkaProxy.Core.Filters;

namespace KafkaProxy.IntegrationTests.Filters;

/// <summary>A filter that wants what <paramref name="wants"/> says and does what <paramref name="onRequest"/> does.</summary>
internal sealed class LambdaFilter(string name, Func<short, short, bool> wants, Func<KafkaRequest, CancellationToken, ValueTask> onRequest) : IKafkaRequestFilter
{
    public string Name { get; } = name;

    public ConcurrentQueue<(short ApiKey, short ApiVersion, int CorrelationId)> Seen { get; } = new();

    public bool WantsRequest(short apiKey, short apiVersion) => wants(apiKey, apiVersion);

    public ValueTask OnRequestAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        Seen.Enqueue((request.ApiKey, request.ApiVersion, request.CorrelationId));
        return onRequest(request, cancellationToken);
    }

    public static LambdaFilter Watching(Func<short, short, bool> wants) => new("watch", wants, (_, _) => ValueTask.CompletedTask);
}
