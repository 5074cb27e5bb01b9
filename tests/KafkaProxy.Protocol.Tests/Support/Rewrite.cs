using System.Buffers;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Rewriting;

namespace KafkaProxy.Protocol.Tests.Support;

internal static class Rewrite
{
    /// <summary>Rewrites a payload and returns the new payload (the size prefix is checked and removed).</summary>
    public static byte[] Run(ApiKey key, short version, ReadOnlySequence<byte> payload, IBrokerAddressMapper? mapper = null)
    {
        var output = new ArrayBufferWriter<byte>();
        new ResponseRewriter(mapper ?? MapTo.Proxy).Rewrite((short)key, version, payload, output);
        var frame = output.WrittenSpan;
        Assert.Equal(frame.Length - 4, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(frame));
        return frame[4..].ToArray();
    }

    public static byte[] Run(ApiKey key, short version, byte[] payload, IBrokerAddressMapper? mapper = null) =>
        Run(key, version, new ReadOnlySequence<byte>(payload), mapper);
}
