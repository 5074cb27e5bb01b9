using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using KafkaProxy.Protocol.Headers;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// One client request as the filters see it: its header fields, its body (the bytes after the request header) and the
/// connection. A filter changes what happens to it with <see cref="Forward"/>, <see cref="Respond"/>, <see cref="Drop"/>
/// or <see cref="Close"/>; the first filter that answers, drops or closes ends the chain. The body's bytes belong to the
/// connection's buffer and are valid only while the filters run.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class KafkaRequest
{
    internal KafkaRequest(RequestHeader header, string? clientId, ReadOnlySequence<byte> headerBytes, ReadOnlySequence<byte> body, bool expectsResponse, KafkaConnectionInfo connection)
    {
        ApiKey = header.ApiKey;
        ApiVersion = header.ApiVersion;
        CorrelationId = header.CorrelationId;
        ClientId = clientId;
        HeaderBytes = headerBytes;
        Body = body;
        ExpectsResponse = expectsResponse;
        Connection = connection;
    }

    /// <summary>The request's api key (0 Produce, 1 Fetch, 3 Metadata, ...).</summary>
    public short ApiKey { get; }

    /// <summary>The request's version.</summary>
    public short ApiVersion { get; }

    /// <summary>The client's correlation id; the response carries the same.</summary>
    public int CorrelationId { get; }

    /// <summary>The client id of the request header (v1+), or null.</summary>
    public string? ClientId { get; }

    /// <summary>False for a request the broker will not answer (Produce with acks=0).</summary>
    public bool ExpectsResponse { get; }

    /// <summary>The request body as it will be forwarded: the client's, or the one a filter gave to <see cref="Forward"/>.</summary>
    public ReadOnlySequence<byte> Body { get; private set; }

    /// <summary>The connection the request came on.</summary>
    public KafkaConnectionInfo Connection { get; }

    /// <summary>What happens to the request so far.</summary>
    public RequestDecision Decision { get; private set; }

    /// <summary>The filter that answered, dropped or closed; null while the request is to be forwarded.</summary>
    public string? DecidedBy { get; private set; }

    /// <summary>The request header as the client sent it, size prefix excluded.</summary>
    internal ReadOnlySequence<byte> HeaderBytes { get; }

    /// <summary>True once a filter replaced the body.</summary>
    internal bool BodyReplaced { get; private set; }

    /// <summary>The body of the proxy's answer (<see cref="RequestDecision.Respond"/>), response header excluded.</summary>
    internal ReadOnlyMemory<byte> ResponseBody { get; private set; }

    /// <summary>Why a filter refused the request (<see cref="Refuse"/>), or null.</summary>
    internal string? RefusalReason { get; private set; }

    /// <summary>Why the connection closes (<see cref="RequestDecision.Close"/>).</summary>
    internal string? CloseReason { get; private set; }

    /// <summary>The filter now running, named in decisions.</summary>
    internal string? CurrentFilter { get; set; }

    /// <summary>Forwards the request with <paramref name="body"/> instead of its own body (the header stays the client's).</summary>
    /// <param name="body">A request body of the same api key and version; the proxy keeps a reference until it is sent.</param>
    public void Forward(ReadOnlyMemory<byte> body)
    {
        Body = new ReadOnlySequence<byte>(body);
        BodyReplaced = true;
    }

    /// <summary>Answers the request with <paramref name="responseBody"/> (a response body of the request's api key and version); the broker never sees it.</summary>
    /// <param name="responseBody">The response body, without the response header (the proxy writes the correlation id).</param>
    /// <exception cref="InvalidOperationException">The request has no response (Produce with acks=0): drop it or close the connection.</exception>
    public void Respond(ReadOnlyMemory<byte> responseBody)
    {
        if (!ExpectsResponse)
        {
            throw new InvalidOperationException($"api key {ApiKey} v{ApiVersion} with correlation id {CorrelationId} expects no response: drop it or close the connection.");
        }

        Decide(RequestDecision.Respond);
        ResponseBody = responseBody;
    }

    /// <summary>
    /// Answers the request with <paramref name="responseBody"/>, an error answer in the message's own layout, because it
    /// breaks a rule: counted as refused (<c>proxy_requests_refused_total</c> with the filter's name as reason) and
    /// logged at Debug with <paramref name="reason"/>.
    /// </summary>
    /// <param name="responseBody">The error response body, without the response header.</param>
    /// <param name="reason">Why, for the log.</param>
    /// <exception cref="InvalidOperationException">The request has no response: close the connection instead.</exception>
    public void Refuse(ReadOnlyMemory<byte> responseBody, string reason)
    {
        Respond(responseBody);
        RefusalReason = reason;
    }

    /// <summary>Neither forwards nor answers the request.</summary>
    /// <exception cref="InvalidOperationException">The client waits for a response to this request: answer it or close the connection.</exception>
    public void Drop()
    {
        if (ExpectsResponse)
        {
            throw new InvalidOperationException($"api key {ApiKey} v{ApiVersion} with correlation id {CorrelationId} expects a response: answer it (Respond) or close the connection.");
        }

        Decide(RequestDecision.Drop);
    }

    /// <summary>Closes the connection; <paramref name="reason"/> is logged.</summary>
    /// <param name="reason">Why, for the log (event 1005).</param>
    public void Close(string reason)
    {
        Decide(RequestDecision.Close);
        CloseReason = reason;
    }

    private void Decide(RequestDecision decision)
    {
        Decision = decision;
        DecidedBy = CurrentFilter;
    }
}
