using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using KafkaProxy.Core.Diagnostics;

namespace KafkaProxy.Core.Filters.Tracing;

/// <summary>
/// A span per sampled request of the chosen api keys (<see cref="RequestTracingOptions"/>): <c>kafka_proxy.request</c>,
/// from the request seen to its response forwarded, a root of its own trace (so that it is sampled on its own) with a
/// link to its connection's span. Built in, and written with the filter API as any user filter would be.
/// </summary>
internal sealed class RequestTracingFilter(RequestTracingOptions options) : IKafkaRequestFilter, IKafkaResponseFilter, IConnectionClosedObserver
{
    public const string RequestSpan = "kafka_proxy.request";

    // Per connection, the spans of the requests waiting for their responses, by correlation id.
    private readonly ConditionalWeakTable<KafkaConnectionInfo, ConcurrentDictionary<int, Activity>> _open = [];
    private readonly bool[] _traced = Table(options.ApiKeys);

    public string Name => "tracing";

    public bool WantsRequest(short apiKey, short apiVersion) => (uint)apiKey < (uint)_traced.Length && _traced[apiKey];

    public bool WantsResponse(short apiKey, short apiVersion) => WantsRequest(apiKey, apiVersion);

    public ValueTask OnRequestAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        if (!ProxyTracing.Source.HasListeners() || Random.Shared.NextDouble() >= options.SampleRatio)
        {
            return ValueTask.CompletedTask;
        }

        // The request pump runs under its connection's span: linked, not a parent. Current is put back, since this
        // method's change of it would otherwise stay with the pump.
        var connection = Activity.Current;
        ActivityLink[]? links = connection is null ? null : [new ActivityLink(connection.Context)];
        Activity.Current = null;
        var span = ProxyTracing.Source.StartActivity(RequestSpan, ActivityKind.Server, parentContext: default, tags: null, links);
        Activity.Current = connection;
        if (span is null)
        {
            return ValueTask.CompletedTask;
        }

        span.SetTag("kafka.api_key", request.ApiKey);
        span.SetTag("kafka.api_version", request.ApiVersion);
        span.SetTag("kafka.correlation_id", request.CorrelationId);
        span.SetTag("kafka.client_id", request.ClientId);
        span.SetTag(ProxyTracing.ConnectionIdTag, request.Connection.Id);
        if (!request.ExpectsResponse)
        {
            span.Stop();
            return ValueTask.CompletedTask;
        }

        _open.GetValue(request.Connection, static _ => new ConcurrentDictionary<int, Activity>())[request.CorrelationId] = span;
        return ValueTask.CompletedTask;
    }

    public ValueTask OnResponseAsync(KafkaResponse response, CancellationToken cancellationToken)
    {
        if (_open.TryGetValue(response.Connection, out var open) && open.TryRemove(response.CorrelationId, out var span))
        {
            span.SetTag("kafka_proxy.answered_by_proxy", response.AnsweredByProxy);
            span.Stop();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Requests still waiting when their connection closes end their spans with its reason.</summary>
    public void OnConnectionClosed(KafkaConnectionInfo connection, string? reason)
    {
        if (!_open.TryGetValue(connection, out var open))
        {
            return;
        }

        _open.Remove(connection);
        foreach (var span in open.Values)
        {
            span.SetStatus(ActivityStatusCode.Error, reason ?? "the connection closed before the response");
            span.Stop();
        }
    }

    private static bool[] Table(IEnumerable<short> apiKeys)
    {
        var table = new bool[apiKeys.DefaultIfEmpty((short)-1).Max() + 1];
        foreach (short key in apiKeys)
        {
            table[key] = true;
        }

        return table;
    }
}
