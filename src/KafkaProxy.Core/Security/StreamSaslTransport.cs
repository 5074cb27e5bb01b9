using KafkaProxy.Core.Proxy;
using System.Buffers;
using System.Buffers.Binary;
using KafkaProxy.Protocol.Frames;
using KafkaProxy.Protocol.Headers;

namespace KafkaProxy.Core.Security;

/// <summary>SASL on a connection that carries nothing else yet: write a frame, read the answer.</summary>
internal sealed class StreamSaslTransport(Stream stream, int maxFrameSize, CancellationToken cancellationToken) : ISaslTransport
{
    private int _correlationId;

    public async Task<byte[]> RequestAsync(ApiKey apiKey, short version, Action<IBufferWriter<byte>> body)
    {
        int correlationId = ++_correlationId;
        await stream.WriteAsync(ProxyFrames.Request(apiKey, version, correlationId, body), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        byte[] response = await ReadFrameAsync().ConfigureAwait(false);
        if (response.Length < ResponseHeader.CorrelationIdLength || BinaryPrimitives.ReadInt32BigEndian(response) != correlationId)
        {
            throw new HandshakeFailedException("sasl", $"the broker answered the proxy's {apiKey} request with a response that does not match it");
        }

        return response[ResponseHeader.CorrelationIdLength..];
    }

    public async Task<byte[]> RawTokenAsync(byte[] token)
    {
        await stream.WriteAsync(ProxyFrames.Frame(token), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await ReadFrameAsync().ConfigureAwait(false);
    }

    private async Task<byte[]> ReadFrameAsync()
    {
        var prefix = new byte[KafkaFrame.SizePrefixLength];
        await stream.ReadExactlyAsync(prefix, cancellationToken).ConfigureAwait(false);
        int size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (size < 0 || size > maxFrameSize)
        {
            throw new HandshakeFailedException("sasl", $"the broker sent a frame of {size} bytes during SASL authentication");
        }

        var payload = new byte[size];
        await stream.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
        return payload;
    }
}
