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
    /// <param name="payload">The response frame after its size prefix: correlation id (response header v0), then body.</param>
    /// <param name="output">Receives the whole frame, size prefix included.</param>
    public static void Write(in ReadOnlySequence<byte> payload, IBufferWriter<byte> output)
    {
        var reader = new KafkaReader(payload);
        int correlationId = reader.ReadInt32();
        short errorCode = reader.ReadInt16();
        if (errorCode == ApiVersionsResponseWalker.UnsupportedVersion)
        {
            output.WriteInt32(checked((int)payload.Length));
            output.Write(payload);
            return;
        }

        // correlation id, error code, one api key entry: [ApiVersions, 0, the newest the proxy clamps]
        const int BodyLength = sizeof(int) + sizeof(short) + sizeof(int) + (3 * sizeof(short));
        Span<byte> frame = stackalloc byte[sizeof(int) + BodyLength];
        BinaryPrimitives.WriteInt32BigEndian(frame, BodyLength);
        BinaryPrimitives.WriteInt32BigEndian(frame[4..], correlationId);
        BinaryPrimitives.WriteInt16BigEndian(frame[8..], ApiVersionsResponseWalker.UnsupportedVersion);
        BinaryPrimitives.WriteInt32BigEndian(frame[10..], 1);
        BinaryPrimitives.WriteInt16BigEndian(frame[14..], 18);
        BinaryPrimitives.WriteInt16BigEndian(frame[16..], 0);
        BinaryPrimitives.WriteInt16BigEndian(frame[18..], ApiVersionsResponseWalker.MaxVersion);
        output.Write(frame);
    }
}
