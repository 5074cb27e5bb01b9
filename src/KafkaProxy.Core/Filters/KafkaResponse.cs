using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// One response as the filters see it, on its way to the client: which request it answers, its body (the bytes after
/// the response header) and the connection. A filter may <see cref="Replace"/> the body or <see cref="Close"/> the
/// connection; the first that closes ends the chain. The body's bytes are valid only while the filters run.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class KafkaResponse
{
    internal KafkaResponse(short apiKey, short apiVersion, int correlationId, ReadOnlySequence<byte> headerBytes, ReadOnlySequence<byte> body, bool answeredByProxy, KafkaConnectionInfo connection)
    {
        ApiKey = apiKey;
        ApiVersion = apiVersion;
        CorrelationId = correlationId;
        HeaderBytes = headerBytes;
        Body = body;
        AnsweredByProxy = answeredByProxy;
        Connection = connection;
    }

    /// <summary>The api key of the request this answers.</summary>
    public short ApiKey { get; }

    /// <summary>The version of the request this answers, and so of the response.</summary>
    public short ApiVersion { get; }

    /// <summary>The correlation id of the request this answers.</summary>
    public int CorrelationId { get; }

    /// <summary>The response body as it will reach the client: the broker's (or a request filter's), or the one a filter gave to <see cref="Replace"/>.</summary>
    public ReadOnlySequence<byte> Body { get; private set; }

    /// <summary>True when a request filter answered the request and the broker never saw it.</summary>
    public bool AnsweredByProxy { get; }

    /// <summary>The connection the response goes to.</summary>
    public KafkaConnectionInfo Connection { get; }

    /// <summary>The filter that closed the connection, or null.</summary>
    public string? ClosedBy { get; private set; }

    /// <summary>The response header as it will be sent, size prefix excluded.</summary>
    internal ReadOnlySequence<byte> HeaderBytes { get; }

    /// <summary>True once a filter replaced the body.</summary>
    internal bool BodyReplaced { get; private set; }

    /// <summary>Why the connection closes, or null.</summary>
    internal string? CloseReason { get; private set; }

    /// <summary>The filter now running, named in decisions.</summary>
    internal string? CurrentFilter { get; set; }

    /// <summary>Sends <paramref name="body"/> to the client instead of the response's own body (the header stays).</summary>
    /// <param name="body">A response body of the same api key and version; the proxy keeps a reference until it is sent.</param>
    public void Replace(ReadOnlyMemory<byte> body)
    {
        Body = new ReadOnlySequence<byte>(body);
        BodyReplaced = true;
    }

    /// <summary>Closes the connection instead of sending the response; <paramref name="reason"/> is logged.</summary>
    /// <param name="reason">Why, for the log (event 1005).</param>
    public void Close(string reason)
    {
        CloseReason = reason;
        ClosedBy = CurrentFilter;
    }
}
