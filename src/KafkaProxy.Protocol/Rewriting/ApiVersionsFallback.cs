using System.Buffers;
using System.Buffers.Binary;
using KafkaProxy.Protocol.Messages.ApiVersions;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Protocol.Rewriting;

/// <summary>
/// The answer to an ApiVersions request newer than the proxy can clamp (KIP-511). A broker that does not know the
/// version answers UNSUPPORTED_VERSION (35) with the versions to retry with: that answer passes verbatim, as a client
/// connected directly would get it. A broker that does know it answers in a layout the proxy cannot read, with versions
/// the proxy may not support: the client gets what an older broker would say instead, error 35 in the v0 layout naming
/// the ApiVersions versions the proxy can clamp, and retries with one of them.
/// </summary>
internal static class ApiVersionsFallback
{
    // error code, one api key entry: [ApiVersions, 0, the newest the proxy clamps]
    private static readonly byte[] Body = BuildBody();

    /// <summary>The body (after the correlation id) the client gets instead of the broker's.</summary>
    public static ReadOnlyMemory<byte> FallbackBody => Body;

    /// <summary>True when the broker's body (after the correlation id) is an UNSUPPORTED_VERSION answer, which passes verbatim.</summary>
    public static bool PassesVerbatim(in ReadOnlySequence<byte> body)
    {
        var reader = new KafkaReader(body);
        return reader.ReadInt16() == ApiVersionsResponseWalker.UnsupportedVersion;
    }

    /// <param name="payload">The response frame after its size prefix: correlation id (response header v0), then body.</param>
    /// <param name="output">Receives the whole frame, size prefix included.</param>
    public static void Write(in ReadOnlySequence<byte> payload, IBufferWriter<byte> output)
    {
        var reader = new KafkaReader(payload);
        int correlationId = reader.ReadInt32();
        if (PassesVerbatim(payload.Slice(sizeof(int))))
        {
            output.WriteInt32(checked((int)payload.Length));
            output.Write(payload);
            return;
        }

        Span<byte> frame = stackalloc byte[sizeof(int) + sizeof(int) + Body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, sizeof(int) + Body.Length);
        BinaryPrimitives.WriteInt32BigEndian(frame[4..], correlationId);
        Body.CopyTo(frame[8..]);
        output.Write(frame);
    }

    private static byte[] BuildBody()
    {
        var body = new byte[sizeof(short) + sizeof(int) + (3 * sizeof(short))];
        BinaryPrimitives.WriteInt16BigEndian(body, ApiVersionsResponseWalker.UnsupportedVersion);
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(2), 1);
        BinaryPrimitives.WriteInt16BigEndian(body.AsSpan(6), 18);
        BinaryPrimitives.WriteInt16BigEndian(body.AsSpan(8), 0);
        BinaryPrimitives.WriteInt16BigEndian(body.AsSpan(10), ApiVersionsResponseWalker.MaxVersion);
        return body;
    }
}
