using System.Buffers;
using KafkaProxy.Protocol.Headers;

namespace KafkaProxy.Core.Security;

/// <summary>How a SASL exchange reaches the broker: alone on a fresh connection, or between a client's requests (re-authentication).</summary>
internal interface ISaslTransport
{
    /// <summary>Sends one request and returns its response body (the bytes after the correlation id).</summary>
    Task<byte[]> RequestAsync(ApiKey apiKey, short version, Action<IBufferWriter<byte>> body);

    /// <summary>Sends a raw size-prefixed token (after SaslHandshake v0) and returns the broker's raw token.</summary>
    Task<byte[]> RawTokenAsync(byte[] token);
}
