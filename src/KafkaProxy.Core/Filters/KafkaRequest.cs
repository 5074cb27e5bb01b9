using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Primitives;

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
    private const short ProduceKey = 0;
    private const short CreateTopicsKey = 19;

    // The decoded view of the body, read once for all filters; a new body (Forward) drops it.
    private object? _view;

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

    /// <summary>For a close by one of the proxy's own filters: the refusal's metric label, and its reason is logged as it is.</summary>
    internal string? BuiltInRefusal { get; private set; }

    /// <summary>Sends a request of the proxy's own on this connection; set while the filters run, null after.</summary>
    internal Func<short, short, ReadOnlyMemory<byte>, CancellationToken, Task<ReadOnlyMemory<byte>>>? BrokerSender { get; set; }

    /// <summary>
    /// Sends a request of the filter's own to this connection's broker, before this request goes on, and returns the
    /// broker's answer: the response body, after its header. The client never sees either. The proxy writes the request
    /// header (a correlation id of its own, client id <c>kafka-proxy</c>); one such request at a time, awaited, and only
    /// while this filter runs (the connection's requests wait meanwhile; the filter timeout bounds the wait).
    /// </summary>
    /// <param name="apiKey">The api key of the request to send.</param>
    /// <param name="apiVersion">Its version, one the broker supports.</param>
    /// <param name="body">The request body, after the header.</param>
    /// <param name="cancellationToken">Ends the wait; pass the one the filter was given.</param>
    /// <returns>The response body.</returns>
    /// <exception cref="InvalidOperationException">The filter already returned, or another such request awaits its answer.</exception>
    /// <exception cref="IOException">The connection closed before the broker answered.</exception>
    public Task<ReadOnlyMemory<byte>> SendToBrokerAsync(short apiKey, short apiVersion, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var sender = BrokerSender ?? throw new InvalidOperationException($"SendToBrokerAsync is for the filter handling api key {ApiKey} with correlation id {CorrelationId}, while it runs.");
        return sender(apiKey, apiVersion, body, cancellationToken);
    }

    /// <summary>Forwards the request with <paramref name="body"/> instead of its own body (the header stays the client's).</summary>
    /// <param name="body">A request body of the same api key and version; the proxy keeps a reference until it is sent.</param>
    public void Forward(ReadOnlyMemory<byte> body)
    {
        Body = new ReadOnlySequence<byte>(body);
        BodyReplaced = true;
        _view = null;
    }

    /// <summary>
    /// Reads the request as a Produce (its <see cref="Body"/>, as forwarded so far): acknowledgements, transactional id,
    /// topics and partitions with the headers of their record batches. Read once and shared by the filters that ask.
    /// </summary>
    /// <returns>A copy, valid after the filter returns.</returns>
    /// <exception cref="InvalidOperationException">The request is not a Produce.</exception>
    /// <exception cref="NotSupportedException">The version is newer than the proxy decodes (Produce 0-13).</exception>
    /// <exception cref="KafkaProtocolException">
    /// The body is malformed: let it propagate. The connection closes as for any malformed frame from the client
    /// (counted as <c>bad_message</c>), not as a failure of the filter.
    /// </exception>
    public ProduceRequestView ReadProduce()
    {
        Expect(ProduceKey, "ReadProduce", "Produce");
        return (_view as ProduceRequestView) ?? (ProduceRequestView)(_view = DecodedRequests.ReadProduce(Body, ApiVersion));
    }

    /// <summary>Reads the request as a CreateTopics (its <see cref="Body"/>, as forwarded so far): the topics asked for. Read once and shared by the filters that ask.</summary>
    /// <returns>A copy, valid after the filter returns.</returns>
    /// <exception cref="InvalidOperationException">The request is not a CreateTopics.</exception>
    /// <exception cref="NotSupportedException">The version is newer than the proxy decodes (CreateTopics 0-7).</exception>
    /// <exception cref="KafkaProtocolException">The body is malformed: as for <see cref="ReadProduce"/>, the connection closes as for a malformed frame.</exception>
    public CreateTopicsRequestView ReadCreateTopics()
    {
        Expect(CreateTopicsKey, "ReadCreateTopics", "CreateTopics");
        return (_view as CreateTopicsRequestView) ?? (CreateTopicsRequestView)(_view = DecodedRequests.ReadCreateTopics(Body, ApiVersion));
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

    /// <summary>
    /// Refuses the request with <paramref name="errorCode"/>: the proxy answers in the request's own response layout
    /// with the code on every topic and partition it names, and <paramref name="reason"/> as the error message where the
    /// version has one (Produce v8+, CreateTopics v1+; Fetch has none, and answers with no records and no fetch session).
    /// The broker never sees the request; it is counted as refused and
    /// logged as <see cref="Refuse"/> does. A request without a response (Produce with acks=0) cannot carry an error:
    /// the connection closes instead, with <paramref name="reason"/> logged.
    /// </summary>
    /// <param name="errorCode">A Kafka error code, for example 29 (TOPIC_AUTHORIZATION_FAILED) or 44 (POLICY_VIOLATION).</param>
    /// <param name="reason">Why, for the client and the log.</param>
    /// <exception cref="NotSupportedException">The api key is not Produce (0), Fetch (1) or CreateTopics (19), or its version is newer than the proxy decodes.</exception>
    /// <exception cref="KafkaProtocolException">The body is malformed (see <see cref="ReadProduce"/>).</exception>
    public void RefuseWithError(short errorCode, string reason) => RefuseWithError(errorCode, reason, _ => null);

    /// <summary>
    /// Refuses the request with <paramref name="errorCode"/> as <see cref="RefuseWithError(short, string)"/> does, with an
    /// error message per topic: one request is forwarded whole or not at all, so topics that broke no rule are refused
    /// too and may say why.
    /// </summary>
    /// <param name="errorCode">A Kafka error code.</param>
    /// <param name="reason">Why, for the log, and the message of the topics <paramref name="topicMessage"/> gives none.</param>
    /// <param name="topicMessage">
    /// Given the index of a topic in the request (as <see cref="ProduceRequestView.Topics"/> and
    /// <see cref="CreateTopicsRequestView.Topics"/> list them), its error message, or null for <paramref name="reason"/>.
    /// </param>
    /// <exception cref="NotSupportedException">The api key is not Produce (0), Fetch (1) or CreateTopics (19), or its version is newer than the proxy decodes.</exception>
    /// <exception cref="KafkaProtocolException">The body is malformed (see <see cref="ReadProduce"/>).</exception>
    public void RefuseWithError(short errorCode, string reason, Func<int, string?> topicMessage)
    {
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentNullException.ThrowIfNull(topicMessage);
        if (!ErrorResponses.Supports(ApiKey))
        {
            throw new NotSupportedException($"RefuseWithError builds error responses for Produce (api key 0), Fetch (1) and CreateTopics (19), not for api key {ApiKey}: build the response body and call Refuse, or close the connection.");
        }

        if (!ExpectsResponse)
        {
            // acks=0: the client waits for no answer, so the only refusal it can notice is the closed connection.
            Close($"{reason} (error {errorCode}; a Produce with acks=0 has no response to carry it)");
            return;
        }

        Refuse(ErrorResponses.Build(ApiKey, ApiVersion, Body, errorCode, t => topicMessage(t) ?? reason), reason);
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

    private void Expect(short apiKey, string method, string api)
    {
        if (ApiKey != apiKey)
        {
            throw new InvalidOperationException($"{method} reads a {api} request (api key {apiKey}), but this request has api key {ApiKey}: check ApiKey first.");
        }
    }

    /// <summary>Closes the connection as a refusal of the proxy's own, counted under <paramref name="metricReason"/>.</summary>
    internal void CloseRefused(string reason, string metricReason)
    {
        Close(reason);
        BuiltInRefusal = metricReason;
    }

    private void Decide(RequestDecision decision)
    {
        Decision = decision;
        DecidedBy = CurrentFilter;
    }
}
