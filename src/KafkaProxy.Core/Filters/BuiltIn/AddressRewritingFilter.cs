using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Core.Filters.BuiltIn;

/// <summary>
/// The proxy's broker-address rewriting as a response filter: it wants the responses that carry broker addresses
/// (Metadata, FindCoordinator, DescribeCluster, the NodeEndpoints of Produce v10+, Fetch v16+, the share apis) and
/// ApiVersions, whose versions it clamps. It walks the body into an edit plan and hands each edit to
/// <see cref="KafkaResponse.Edit"/>: only hosts, ports, tagged-field sizes and clamped versions are written anew; the
/// rest of the body goes to the client from the broker's bytes. An ApiVersions response too new to clamp gets the
/// fallback body (KIP-511). It runs first, so the other response filters see the addresses the client will get.
/// Answers a request filter gave pass unchanged. A broker with no listener yet ends the call with
/// <see cref="Proxy.UndiscoveredBrokerException"/> before any edit, which the response pump handles. A Fetch response
/// (v16 on) that no other filter wants does not come here: the response pump streams it and rewrites its NodeEndpoints
/// into as many bytes as the broker's (<see cref="Proxy.StreamedFetchRewrite"/>), so that it is never held whole.
/// </summary>
internal sealed class AddressRewritingFilter(IBrokerAddressMapper mapper) : IKafkaResponseFilter, IBuiltInFilter
{
    // The walk has no await, so one rewriter (and its plan) per thread serves every connection that runs there.
    [ThreadStatic]
    private static ResponseRewriter? t_rewriter;

    public string Name => "address-rewriting";

    /// <summary>Where brokers' addresses are looked up; a Fetch response only this filter wants streams with it (<see cref="Proxy.StreamedFetchRewrite"/>).</summary>
    public IBrokerAddressMapper Mapper => mapper;

    public bool WantsResponse(short apiKey, short apiVersion) => ResponseRewriter.MustRewrite(apiKey, apiVersion);

    public ValueTask OnResponseAsync(KafkaResponse response, CancellationToken cancellationToken)
    {
        if (response.AnsweredByProxy)
        {
            return ValueTask.CompletedTask;
        }

        var rewriter = t_rewriter ??= new ResponseRewriter(mapper);
        switch (rewriter.Plan(mapper, response.ApiKey, response.ApiVersion, response.Body))
        {
            case RewriteOutcome.Edits:
                rewriter.EmitEdits(response, static (r, start, end, replacement) => r.Edit(start, end - start, replacement));
                break;
            case RewriteOutcome.Fallback:
                response.Replace(ApiVersionsFallback.FallbackBody);
                break;
        }

        return ValueTask.CompletedTask;
    }
}
