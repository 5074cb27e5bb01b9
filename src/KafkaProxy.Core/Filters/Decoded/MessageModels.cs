using System.Buffers;
using KafkaProxy.Protocol.Messages.Common;
using KafkaProxy.Protocol.Primitives;

namespace KafkaProxy.Core.Filters;

/// <summary>Reads and writes the generated message models for the decoded tier: one place for the version check.</summary>
internal static class MessageModels
{
    /// <summary>Reads <paramref name="body"/> as a <typeparamref name="T"/> of <paramref name="version"/>; <paramref name="api"/> names it in messages.</summary>
    /// <exception cref="NotSupportedException">The proxy's codecs do not know the version: the filter's choice of versions, not a malformed frame.</exception>
    /// <exception cref="KafkaProtocolException">The body is malformed.</exception>
    public static T Read<T>(in ReadOnlySequence<byte> body, short version, string api)
        where T : class, IKafkaMessage<T>
    {
        if (version < T.LowestVersion || version > T.HighestVersion)
        {
            throw new NotSupportedException($"{api} (api key {T.ApiKey}) v{version} is outside the versions the proxy decodes ({T.LowestVersion}-{T.HighestVersion}): want only those versions (WantsRequest, WantsResponse), or read the Body.");
        }

        var reader = new KafkaReader(body, T.ApiKey, version);
        return T.Read(ref reader, version);
    }

    /// <summary><paramref name="message"/> written in <paramref name="version"/>, as a body of its own.</summary>
    public static byte[] Encode<T>(T message, short version)
        where T : class, IKafkaMessage<T>
    {
        var writer = new ArrayBufferWriter<byte>(Math.Max(message.Size(version), 1));
        message.Write(writer, version);
        return writer.WrittenSpan.ToArray();
    }
}
