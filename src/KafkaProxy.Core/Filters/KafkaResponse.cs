using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using KafkaProxy.Protocol.Frames;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Filters;

/// <summary>
/// One response as the filters see it, on its way to the client: which request it answers, its body (the bytes after
/// the response header) and the connection. A filter may <see cref="Replace"/> the body, <see cref="Edit"/> ranges of
/// it in place, or <see cref="Close"/> the connection; the first that closes ends the chain. The object and its bytes
/// are valid only while the filters run: the proxy reuses the object for the connection's next response, so a filter
/// must not keep it (or <see cref="Body"/>) past its call.
/// </summary>
[Experimental(ExperimentalApi.FilterApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public sealed class KafkaResponse
{
    private BodyEdit[] _edits = [];
    private int _editCount;
    private byte[] _replacements = [];
    private int _replacementLength;
    // Set when the filter now running called Replace: an edit after it is refused. Cleared as the next filter starts.
    private bool _replacedInCall;
    // The view read from Body, shared by the filters that read it; forgotten when Body changes.
    private object? _view;

    internal KafkaResponse(KafkaConnectionInfo connection) => Connection = connection;

    internal KafkaResponse(short apiKey, short apiVersion, int correlationId, ReadOnlySequence<byte> headerBytes, ReadOnlySequence<byte> body, bool answeredByProxy, KafkaConnectionInfo connection)
        : this(connection) => Reset(apiKey, apiVersion, correlationId, headerBytes, body, answeredByProxy);

    /// <summary>The api key of the request this answers.</summary>
    public short ApiKey { get; private set; }

    /// <summary>The version of the request this answers, and so of the response.</summary>
    public short ApiVersion { get; private set; }

    /// <summary>The correlation id of the request this answers.</summary>
    public int CorrelationId { get; private set; }

    /// <summary>
    /// The response body: the broker's (or a request filter's), or the one a filter gave to <see cref="Replace"/>, with
    /// the edits of earlier filters applied. Edits of the filter now running are not applied to it yet.
    /// </summary>
    public ReadOnlySequence<byte> Body { get; private set; }

    /// <summary>True when a request filter answered the request and the broker never saw it.</summary>
    public bool AnsweredByProxy { get; private set; }

    /// <summary>The connection the response goes to.</summary>
    public KafkaConnectionInfo Connection { get; }

    /// <summary>The filter that closed the connection, or null.</summary>
    public string? ClosedBy { get; private set; }

    /// <summary>The response header as it will be sent, size prefix excluded.</summary>
    internal ReadOnlySequence<byte> HeaderBytes { get; private set; }

    /// <summary>True once a filter replaced the body (or the edits of one were applied into a new body).</summary>
    internal bool BodyReplaced { get; private set; }

    /// <summary>True when edits wait to be applied as the response is written.</summary>
    internal bool HasEdits => _editCount > 0;

    /// <summary>How many bytes the pending edits add (or remove, when negative).</summary>
    internal long EditDelta { get; private set; }

    /// <summary>Why the connection closes, or null.</summary>
    internal string? CloseReason { get; private set; }

    /// <summary>The filter now running, named in decisions.</summary>
    internal string? CurrentFilter { get; set; }

    /// <summary>Sends <paramref name="body"/> to the client instead of the response's own body (the header stays); pending edits are dropped.</summary>
    /// <param name="body">A response body of the same api key and version; the proxy keeps a reference until it is sent.</param>
    public void Replace(ReadOnlyMemory<byte> body)
    {
        Body = new ReadOnlySequence<byte>(body);
        BodyReplaced = true;
        _replacedInCall = true;
        _view = null;
        ClearEdits();
    }

    /// <summary>
    /// Replaces <paramref name="length"/> bytes of <see cref="Body"/> at <paramref name="offset"/> with
    /// <paramref name="replacement"/> as the response is written, without copying the rest of the body. Edits come in
    /// increasing, non-overlapping order; the replacement bytes are copied. A later filter that wants the response
    /// sees a body with the edits applied.
    /// </summary>
    /// <param name="offset">Where the replaced bytes begin, from the start of <see cref="Body"/>.</param>
    /// <param name="length">How many bytes are replaced (0 inserts).</param>
    /// <param name="replacement">The bytes written instead.</param>
    /// <exception cref="ArgumentException">The range lies outside the body, or before or over an earlier edit.</exception>
    /// <exception cref="InvalidOperationException">This filter replaced the body already (edit the new body before giving it to <see cref="Replace"/>).</exception>
    public void Edit(long offset, long length, ReadOnlySpan<byte> replacement)
    {
        if (_replacedInCall)
        {
            throw new InvalidOperationException($"the body of the response to api key {ApiKey} v{ApiVersion} (correlation id {CorrelationId}) was replaced: edit the new body before giving it to Replace.");
        }

        long previousEnd = _editCount == 0 ? 0 : _edits[_editCount - 1].End;
        if (offset < previousEnd || length < 0 || offset + length > Body.Length)
        {
            throw new ArgumentException($"an edit of {length} bytes at offset {offset} is outside the body of {Body.Length} bytes or before the end of the previous edit ({previousEnd}); edits come in increasing, non-overlapping order.", nameof(offset));
        }

        if (_editCount == _edits.Length)
        {
            Array.Resize(ref _edits, Math.Max(8, _edits.Length * 2));
        }

        if (_replacementLength + replacement.Length > _replacements.Length)
        {
            Array.Resize(ref _replacements, Math.Max(Math.Max(256, _replacements.Length * 2), _replacementLength + replacement.Length));
        }

        replacement.CopyTo(_replacements.AsSpan(_replacementLength));
        _edits[_editCount++] = new BodyEdit(offset, offset + length, _replacementLength, replacement.Length);
        _replacementLength += replacement.Length;
        EditDelta += replacement.Length - length;
    }

    /// <summary>
    /// Reads the response as a Fetch (its <see cref="Body"/>): per topic and partition the error code, offsets and the
    /// headers of the whole record batches with their <see cref="RecordBatchView.Offset"/> in the body, the range to
    /// <see cref="Edit"/> to change records in place. Read once and shared by the filters that ask, until the body changes.
    /// </summary>
    /// <returns>A copy, valid after the filter returns (its offsets only for this response's body).</returns>
    /// <exception cref="InvalidOperationException">The response is not a Fetch's.</exception>
    /// <exception cref="NotSupportedException">The version is newer than the proxy decodes (Fetch 0-18).</exception>
    /// <exception cref="KafkaProtocolException">The body is malformed: let it propagate; the connection closes as for a malformed frame from the broker.</exception>
    public FetchResponseView ReadFetch() => Read(1, "ReadFetch", "Fetch", DecodedResponses.ReadFetch);

    /// <summary>Reads the response as a Metadata (its <see cref="Body"/>): brokers as the client will see them, cluster id, controller, topics and partitions. Read once and shared, until the body changes.</summary>
    /// <returns>A copy, valid after the filter returns.</returns>
    /// <exception cref="InvalidOperationException">The response is not a Metadata's.</exception>
    /// <exception cref="NotSupportedException">The version is newer than the proxy decodes (Metadata 0-13).</exception>
    /// <exception cref="KafkaProtocolException">The body is malformed, as for <see cref="ReadFetch"/>.</exception>
    public MetadataResponseView ReadMetadata() => Read(3, "ReadMetadata", "Metadata", DecodedResponses.ReadMetadata);

    /// <summary>Reads the response as a FindCoordinator (its <see cref="Body"/>): the coordinators, as the client will see them. Read once and shared, until the body changes.</summary>
    /// <returns>A copy, valid after the filter returns.</returns>
    /// <exception cref="InvalidOperationException">The response is not a FindCoordinator's.</exception>
    /// <exception cref="NotSupportedException">The version is newer than the proxy decodes (FindCoordinator 0-6).</exception>
    /// <exception cref="KafkaProtocolException">The body is malformed, as for <see cref="ReadFetch"/>.</exception>
    public FindCoordinatorResponseView ReadFindCoordinator() => Read(10, "ReadFindCoordinator", "FindCoordinator", DecodedResponses.ReadFindCoordinator);

    /// <summary>Reads the response as a DescribeCluster (its <see cref="Body"/>): cluster id, controller and brokers, as the client will see them. Read once and shared, until the body changes.</summary>
    /// <returns>A copy, valid after the filter returns.</returns>
    /// <exception cref="InvalidOperationException">The response is not a DescribeCluster's.</exception>
    /// <exception cref="NotSupportedException">The version is newer than the proxy decodes (DescribeCluster 0-2).</exception>
    /// <exception cref="KafkaProtocolException">The body is malformed, as for <see cref="ReadFetch"/>.</exception>
    public DescribeClusterResponseView ReadDescribeCluster() => Read(60, "ReadDescribeCluster", "DescribeCluster", DecodedResponses.ReadDescribeCluster);

    /// <summary>Reads the response as an ApiVersions (its <see cref="Body"/>): the version ranges the client will see. Read once and shared, until the body changes.</summary>
    /// <returns>A copy, valid after the filter returns.</returns>
    /// <exception cref="InvalidOperationException">The response is not an ApiVersions'.</exception>
    /// <exception cref="NotSupportedException">The version is newer than the proxy decodes (ApiVersions 0-4).</exception>
    /// <exception cref="KafkaProtocolException">The body is malformed, as for <see cref="ReadFetch"/>.</exception>
    public ApiVersionsResponseView ReadApiVersions() => Read(18, "ReadApiVersions", "ApiVersions", DecodedResponses.ReadApiVersions);

    /// <summary>Closes the connection instead of sending the response; <paramref name="reason"/> is logged.</summary>
    /// <param name="reason">Why, for the log (event 1005).</param>
    public void Close(string reason)
    {
        CloseReason = reason;
        ClosedBy = CurrentFilter;
    }

    private delegate T ReadView<T>(in ReadOnlySequence<byte> body, short version);

    private T Read<T>(short apiKey, string method, string api, ReadView<T> read)
        where T : class
    {
        if (ApiKey != apiKey)
        {
            throw new InvalidOperationException($"{method} reads a {api} response (api key {apiKey}), but this response answers api key {ApiKey}: check ApiKey first.");
        }

        return (_view as T) ?? (T)(_view = read(Body, ApiVersion));
    }

    /// <summary>Makes this object the response to another request; everything a filter decided is forgotten.</summary>
    internal void Reset(short apiKey, short apiVersion, int correlationId, ReadOnlySequence<byte> headerBytes, ReadOnlySequence<byte> body, bool answeredByProxy)
    {
        ApiKey = apiKey;
        ApiVersion = apiVersion;
        CorrelationId = correlationId;
        HeaderBytes = headerBytes;
        Body = body;
        AnsweredByProxy = answeredByProxy;
        BodyReplaced = false;
        _replacedInCall = false;
        _view = null;
        ClosedBy = null;
        CloseReason = null;
        CurrentFilter = null;
        ClearEdits();
    }

    /// <summary>Hands the response to the next filter, named <paramref name="filter"/>: the edits of the earlier ones are applied first.</summary>
    internal void BeginFilter(string filter)
    {
        CurrentFilter = filter;
        _replacedInCall = false;
        if (_editCount > 0)
        {
            ApplyEdits();
        }
    }

    /// <summary>Applies the pending edits into a new body (a copy, made only when a later filter wants the response).</summary>
    private void ApplyEdits()
    {
        var body = new byte[checked((int)(Body.Length + EditDelta))];
        Span<byte> rest = body;
        long position = 0;
        for (int i = 0; i < _editCount; i++)
        {
            var edit = _edits[i];
            var kept = Body.Slice(position, edit.Start - position);
            kept.CopyTo(rest);
            rest = rest[(int)kept.Length..];
            _replacements.AsSpan(edit.ReplacementStart, edit.ReplacementLength).CopyTo(rest);
            rest = rest[edit.ReplacementLength..];
            position = edit.End;
        }

        Body.Slice(position).CopyTo(rest);
        Body = new ReadOnlySequence<byte>(body);
        BodyReplaced = true;
        _view = null;
        ClearEdits();
    }

    /// <summary>
    /// Writes the response frame: the size prefix, the header, then the body with the pending edits applied, its
    /// untouched ranges copied straight from where they lie. Returns the frame's length.
    /// </summary>
    internal long WriteTo(IBufferWriter<byte> output)
    {
        long payloadLength = HeaderBytes.Length + Body.Length + EditDelta;
        KafkaFrame.WriteSize(output, checked((int)payloadLength));
        output.Write(HeaderBytes);
        long position = 0;
        for (int i = 0; i < _editCount; i++)
        {
            var edit = _edits[i];
            WriteBody(output, Body.Slice(position, edit.Start - position));
            output.Write(_replacements.AsSpan(edit.ReplacementStart, edit.ReplacementLength));
            position = edit.End;
        }

        WriteBody(output, Body.Slice(position));
        return KafkaFrame.SizePrefixLength + payloadLength;
    }

    // The broker's bytes stay in the reader until the pump has flushed, so they may leave by reference; a body a filter
    // put in its place is the filter's memory, and is copied.
    private void WriteBody(IBufferWriter<byte> output, in ReadOnlySequence<byte> range)
    {
        if (BodyReplaced)
        {
            output.Write(range);
        }
        else
        {
            IPassThroughWriter.Forward(output, range);
        }
    }

    private void ClearEdits()
    {
        _editCount = 0;
        _replacementLength = 0;
        EditDelta = 0;
    }

    private readonly record struct BodyEdit(long Start, long End, int ReplacementStart, int ReplacementLength);
}
