using KafkaProxy.Core.Security;

namespace KafkaProxy.Core.Filters.BuiltIn;

/// <summary>
/// The proxy's api-key gate as a request filter: it wants exactly the api keys <see cref="RequestGate"/> refuses
/// (KafkaProxy:ForbiddenApiKeys, and the SASL requests when the proxy authenticates itself or its clients) and closes
/// the connection of a client that sends one, with the gate's reason. It runs first, so a refused request reaches no
/// other filter. When the forbidden keys change, the engine builds its chains again with a new gate.
/// </summary>
internal sealed class ApiKeyGateFilter(RequestGate gate) : IKafkaRequestFilter, IBuiltInFilter
{
    public string Name => "api-key-gate";

    public bool WantsRequest(short apiKey, short apiVersion) => gate.Check(apiKey) is not null;

    public ValueTask OnRequestAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        if (gate.Check(request.ApiKey) is { } refusal)
        {
            request.CloseRefused(refusal.Message, refusal.Reason);
        }

        return ValueTask.CompletedTask;
    }
}
