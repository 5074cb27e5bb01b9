namespace KafkaProxy.Core.Filters;

/// <summary>An engine's filters: the request chain, the response chain and the connection filters, each in registration order.</summary>
internal sealed class FilterChains
{
    private FilterChains(IKafkaFilter[] filters)
    {
        foreach (var filter in filters)
        {
            if (filter is not (IKafkaRequestFilter or IKafkaResponseFilter or IKafkaConnectionFilter))
            {
                throw new ArgumentException($"filter '{filter.Name}' ({filter.GetType().FullName}) is none of {nameof(IKafkaRequestFilter)}, {nameof(IKafkaResponseFilter)} and {nameof(IKafkaConnectionFilter)}: it would never run.", nameof(filters));
            }
        }

        Requests = new(filters.OfType<IKafkaRequestFilter>(), static (f, key, version) => f.WantsRequest(key, version));
        Responses = new(filters.OfType<IKafkaResponseFilter>(), static (f, key, version) => f.WantsResponse(key, version));
        Connections = [.. filters.OfType<IKafkaConnectionFilter>()];
        ClosedObservers = [.. filters.OfType<IConnectionClosedObserver>()];
    }

    public FilterChain<IKafkaRequestFilter> Requests { get; }

    public FilterChain<IKafkaResponseFilter> Responses { get; }

    /// <summary>The filters that take turns between a connection's requests, in order.</summary>
    public IKafkaConnectionFilter[] Connections { get; }

    /// <summary>The proxy's own filters that learn when a connection ends.</summary>
    public IConnectionClosedObserver[] ClosedObservers { get; }

    public static FilterChains Create(IEnumerable<IKafkaFilter> filters) => new([.. filters]);

    /// <summary>Runs the request filters that want <paramref name="request"/> until one answers, drops or closes it.</summary>
    /// <exception cref="FilterFailedException">A filter threw or ran past <paramref name="timeout"/> (kept by <paramref name="deadline"/>).</exception>
    public ValueTask RunAsync(KafkaRequest request, FilterDeadline deadline, TimeSpan timeout) => Requests.RunAsync(
        request,
        new FrameIdentity(request.ApiKey, request.ApiVersion, request.CorrelationId, IsResponse: false),
        static (filter, r, token) =>
        {
            r.CurrentFilter = filter.Name;
            return filter.OnRequestAsync(r, token);
        },
        static (r, _) => r.Decision != RequestDecision.Forward,
        deadline,
        timeout);

    /// <summary>Runs the response filters that want <paramref name="response"/> until one closes the connection.</summary>
    /// <exception cref="FilterFailedException">A filter threw or ran past <paramref name="timeout"/> (kept by <paramref name="deadline"/>).</exception>
    public ValueTask RunAsync(KafkaResponse response, FilterDeadline deadline, TimeSpan timeout) => Responses.RunAsync(
        response,
        new FrameIdentity(response.ApiKey, response.ApiVersion, response.CorrelationId, IsResponse: true),
        static (filter, r, token) =>
        {
            r.BeginFilter(filter.Name);
            return filter.OnResponseAsync(r, token);
        },
        static (r, _) => r.CloseReason is not null,
        deadline,
        timeout);
}
