using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Headers;

/// <summary>
/// The fixed start of every request header (v0, v1 and v2 alike): api key, api version and correlation id.
/// Enough to track a request and match its response without decoding anything else.
/// </summary>
[Experimental(ExperimentalApi.CodecApi, Message = ExperimentalApi.Message, UrlFormat = ExperimentalApi.UrlFormat)]
public readonly struct RequestHeader
{
    /// <summary>Creates a header from its three fields.</summary>
    /// <param name="apiKey">The request's api key; unknown keys are legal and pass through.</param>
    /// <param name="apiVersion">The request's api version.</param>
    /// <param name="correlationId">The id the response will echo.</param>
    internal RequestHeader(short apiKey, short apiVersion, int correlationId)
    {
        ApiKey = apiKey;
        ApiVersion = apiVersion;
        CorrelationId = correlationId;
    }

    /// <summary>The request's api key; unknown keys are legal and pass through.</summary>
    public short ApiKey { get; }

    /// <summary>The request's api version.</summary>
    public short ApiVersion { get; }

    /// <summary>The id the response will echo.</summary>
    public int CorrelationId { get; }

    /// <summary>Bytes of the fixed part: api key, api version, correlation id.</summary>
    internal const int PrefixLength = 8;

    /// <summary>
    /// Reads the fixed part from the start of a frame payload. Returns false when fewer than 8 bytes are available
    /// (a frame shorter than that is malformed; see <see cref="Read"/>).
    /// </summary>
    public static bool TryReadPrefix(in ReadOnlySequence<byte> payload, out RequestHeader header)
    {
        if (payload.Length < PrefixLength)
        {
            header = default;
            return false;
        }

        scoped ReadOnlySpan<byte> span;
        Span<byte> copy = stackalloc byte[PrefixLength];
        if (payload.FirstSpan.Length >= PrefixLength)
        {
            span = payload.FirstSpan;
        }
        else
        {
            payload.Slice(0, PrefixLength).CopyTo(copy);
            span = copy;
        }

        header = new RequestHeader(
            BinaryPrimitives.ReadInt16BigEndian(span),
            BinaryPrimitives.ReadInt16BigEndian(span[2..]),
            BinaryPrimitives.ReadInt32BigEndian(span[4..]));
        return true;
    }

    /// <summary>Reads the fixed part of a complete request payload; a payload shorter than 8 bytes is malformed.</summary>
    public static RequestHeader Read(in ReadOnlySequence<byte> payload) =>
        TryReadPrefix(payload, out var header) ? header : throw new KafkaProtocolException($"request of {payload.Length} bytes is shorter than a request header", offset: 0);

    /// <summary>
    /// The header version this request uses: 2 when its api version is flexible, 0 for ControlledShutdown v0,
    /// 1 otherwise; -1 for an api key this library does not know.
    /// </summary>
    internal short HeaderVersion => KafkaApis.RequestHeaderVersion(ApiKey, ApiVersion);

    /// <summary>
    /// Skips the whole header of a request: the fixed part, the client id (v1+) and the tagged fields (v2).
    /// Leaves <paramref name="reader"/> at the first byte of the body. Throws for unknown api keys, whose header layout is not known.
    /// </summary>
    internal void SkipHeader(ref KafkaReader reader) => ReadHeader(ref reader, readClientId: false);

    /// <summary>
    /// Reads the whole header of a request like <see cref="SkipHeader"/> and returns its client id (null in header v0,
    /// or when the client sent none).
    /// </summary>
    internal string? ReadClientId(ref KafkaReader reader) => ReadHeader(ref reader, readClientId: true);

    private string? ReadHeader(ref KafkaReader reader, bool readClientId)
    {
        short headerVersion = HeaderVersion;
        if (headerVersion < 0)
        {
            throw new KafkaProtocolException("the header layout of an unknown api key cannot be read", ApiKey, ApiVersion, reader.Consumed);
        }

        reader.Skip(PrefixLength);
        string? clientId = null;
        if (headerVersion >= 1)
        {
            // The client id stays a classic nullable string even in header v2.
            if (readClientId)
            {
                clientId = reader.ReadString(compact: false);
            }
            else
            {
                reader.SkipString(compact: false);
            }
        }

        if (headerVersion >= 2)
        {
            reader.SkipTaggedFields();
        }

        return clientId;
    }
}
