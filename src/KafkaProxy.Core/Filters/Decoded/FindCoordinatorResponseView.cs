using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// A FindCoordinator response (api key 10) as a filter reads it (KafkaResponse.ReadFindCoordinator): one coordinator
/// per key asked for (v4+, KIP-699), or the single one earlier versions return. A copy.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class FindCoordinatorResponseView
{
    internal FindCoordinatorResponseView(int throttleTimeMs, IReadOnlyList<CoordinatorView> coordinators)
    {
        ThrottleTimeMs = throttleTimeMs;
        Coordinators = coordinators;
    }

    /// <summary>How long the broker throttled the response, in milliseconds (v1+).</summary>
    public int ThrottleTimeMs { get; }

    /// <summary>The coordinators, in response order; before v4 exactly one, with a null key.</summary>
    public IReadOnlyList<CoordinatorView> Coordinators { get; }
}
