using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>What the filters decided for a request.</summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public enum RequestDecision
{
    /// <summary>Sent to the broker, with the filters' body if one replaced it.</summary>
    Forward,

    /// <summary>Answered by the proxy; the answer reaches the client in request order.</summary>
    Respond,

    /// <summary>Neither forwarded nor answered (only for requests without a response, such as Produce with acks=0).</summary>
    Drop,

    /// <summary>The connection closes, with the reason logged.</summary>
    Close,
}
