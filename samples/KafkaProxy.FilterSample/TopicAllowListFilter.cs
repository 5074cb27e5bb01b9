using KafkaProxy.Core.Filters;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KafkaProxy.FilterSample;

/// <summary>
/// Refuses a Produce or CreateTopics that names a topic the client's principal is not allowed (see
/// <see cref="TopicAllowListOptions"/>) with TOPIC_AUTHORIZATION_FAILED (29) on every topic and partition of the
/// request, which the broker then never sees. A Produce with acks=0 has no response to carry the error: its
/// connection closes.
/// </summary>
public sealed partial class TopicAllowListFilter(IOptions<TopicAllowListOptions> options, ILogger<TopicAllowListFilter> logger) : IKafkaRequestFilter
{
    private const short Produce = 0;
    private const short CreateTopics = 19;
    private const short TopicAuthorizationFailed = 29;

    private readonly Dictionary<string, HashSet<string>> _byPrincipal = options.Value.Principals.ToDictionary(p => p.Key, p => p.Value.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
    private readonly HashSet<string> _anonymous = options.Value.Anonymous.ToHashSet(StringComparer.Ordinal);

    public string Name => "topic-allow-list";

    // Every version, those newer than the proxy decodes included: ReadProduce then throws and the connection closes,
    // so a client cannot get past the list by asking for a newer version.
    public bool WantsRequest(short apiKey, short apiVersion) => apiKey is Produce or CreateTopics;

    public ValueTask OnRequestAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        string? principal = request.Connection.Principal;
        var allowed = principal is null ? _anonymous : _byPrincipal.GetValueOrDefault(principal) ?? [];

        // Produce v13+ names topics by id, not by name (KIP-516): a name list cannot allow them, so they count as refused.
        string?[] topics = request.ApiKey == Produce
            ? [.. request.ReadProduce().Topics.Select(t => t.Name)]
            : [.. request.ReadCreateTopics().Topics.Select(t => t.Name)];
        var refused = topics.Where(t => t is null || !allowed.Contains(t)).Select(t => t ?? "(by id)").ToList();
        if (refused.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        string who = principal is null ? "an unauthenticated client" : $"principal '{principal}'";
        string action = request.ApiKey == Produce ? "produce to" : "create";
        string names = string.Join(", ", refused);
        string reason = $"{who} may not {action} {names} (KafkaProxy:Filters:TopicAllowList)";
        Log.Refused(logger, request.Connection.Id, who, action, names);

        // One request is forwarded whole or not at all: an allowed topic in the same request is refused too, saying why.
        request.RefuseWithError(TopicAuthorizationFailed, reason, i =>
            topics[i] is { } topic && allowed.Contains(topic) ? $"not written: another topic of the same request is not allowed for {who}" : null);
        return ValueTask.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Connection {ConnectionId}: refused, {Client} may not {Action} {Topics}")]
        public static partial void Refused(ILogger logger, long connectionId, string client, string action, string topics);
    }
}
