using System.Buffers;
using CsCheck;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Messages;

internal delegate T BodyReader<out T>(ref KafkaReader reader, short version);

/// <summary>Decodes and encodes one message model, with the checks every message test makes.</summary>
internal sealed class MessageCodec<T>(ApiKey key, BodyReader<T> read, Action<T, IBufferWriter<byte>, short> write)
{
    /// <summary>Reads a whole body; every byte must be consumed.</summary>
    public T Decode(ReadOnlySequence<byte> data, short version)
    {
        var reader = new KafkaReader(data, (short)key, version);
        T message = read(ref reader, version);
        Assert.True(reader.End, $"{reader.Remaining} bytes left after the body");
        return message;
    }

    public T Decode(byte[] data, short version) => Decode(new ReadOnlySequence<byte>(data), version);

    public byte[] Encode(T message, short version)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(message, buffer, version);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a hand-written vector and checks that it re-encodes to the same bytes.</summary>
    public T AssertRoundTrip(byte[] vector, short version)
    {
        T message = Decode(vector, version);
        Assert.Equal(Convert.ToHexString(vector), Convert.ToHexString(Encode(message, version)));
        return message;
    }

    /// <summary>The vector decodes the same (it re-encodes to the same bytes) however it is split into segments.</summary>
    public void AssertSplitsDecodeTheSame(byte[] vector, short version)
    {
        string expected = Convert.ToHexString(vector);
        for (int cut = 1; cut < vector.Length; cut++)
        {
            Assert.Equal(expected, Convert.ToHexString(Encode(Decode(ReadOnlySequenceFactory.Split(vector, cut), version), version)));
            Assert.Equal(expected, Convert.ToHexString(Encode(Decode(ReadOnlySequenceFactory.Split(vector, cut / 2, cut, cut + 3), version), version)));
        }

        Assert.Equal(expected, Convert.ToHexString(Encode(Decode(ReadOnlySequenceFactory.OneBytePerSegment(vector), version), version)));
    }

    /// <summary>Every strict prefix of the vector fails with the protocol exception and nothing else.</summary>
    public void AssertEveryTruncationThrows(byte[] vector, short version)
    {
        for (int cut = 0; cut < vector.Length; cut++)
        {
            byte[] prefix = vector[..cut];
            Assert.Throws<KafkaProtocolException>(() => Decode(ReadOnlySequenceFactory.Split(prefix, cut / 2), version));
        }
    }

    /// <summary>
    /// Random valid models: encode, decode (from three segments), encode again gives the same bytes; a random
    /// truncation of the encoding throws the protocol exception only.
    /// </summary>
    public void AssertRandomRoundTrips(Gen<(short Version, T Message)> models, int iter = 2_000)
    {
        Gen.Select(models, Gen.Int[0, int.MaxValue]).Sample((sample, cutSeed) =>
        {
            (short version, T message) = sample;
            byte[] first = Encode(message, version);
            T decoded = Decode(ReadOnlySequenceFactory.Split(first, first.Length / 3, 2 * first.Length / 3), version);
            Assert.Equal(Convert.ToHexString(first), Convert.ToHexString(Encode(decoded, version)));

            if (first.Length > 0)
            {
                byte[] prefix = first[..(cutSeed % first.Length)];
                Assert.Throws<KafkaProtocolException>(() => Decode(prefix, version));
            }
        }, iter: iter, seed: "0N0XIzNsQ0O2");
    }
}
