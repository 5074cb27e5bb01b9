using System.Diagnostics.CodeAnalysis;
using KafkaProxy.Core;

namespace KafkaProxy.Testing.Chaos;

/// <summary>Which way a toxic acts, as Toxiproxy's <c>stream</c> names it.</summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public enum ChaosDirection
{
    /// <summary>Client → broker: requests (<c>upstream</c>).</summary>
    Upstream,

    /// <summary>Broker → client: responses (<c>downstream</c>, Toxiproxy's default).</summary>
    Downstream,
}
