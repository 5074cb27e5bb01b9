using System.Buffers;
using KafkaProxy.Protocol.Headers;
using KafkaProxy.Protocol.Messages.Produce;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Messages;

public sealed class ProduceRequestReaderTests
{
    private static byte[] Request(short version, short acks, string? transactionalId)
    {
        bool flexible = version >= 9;
        var f = new Frame { Compact = false };
        f.Int16(0).Int16(version).Int32(42).String("client-1");  // header: key, version, correlation, client id
        var body = new Frame { Compact = flexible };
        if (flexible) { body.NoTags(); }                         // header v2 tagged fields
        if (version >= 3) { body.String(transactionalId); }      // transactional_id
        body.Int16(acks).Int32(30000);                           // acks, timeout_ms
        body.Array(0).NoTags();                                  // topic data
        return [.. f.Payload, .. body.Payload];
    }

    public static TheoryData<short, short> Cases()
    {
        var data = new TheoryData<short, short>();
        for (short v = 0; v <= 13; v++)
        {
            data.Add(v, 0);
            data.Add(v, -1);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TryReadAcks_EveryVersion_ReadsAcks(short version, short acks)
    {
        byte[] payload = Request(version, acks, version % 2 == 0 ? "tx-1" : null);
        var header = RequestHeader.Read(new ReadOnlySequence<byte>(payload));

        for (int cut = 0; cut < payload.Length; cut++)
        {
            Assert.True(ProduceRequestReader.TryReadAcks(ReadOnlySequenceFactory.Split(payload, cut), isComplete: true, header, out short read));
            Assert.Equal(acks, read);
        }
    }

    [Fact]
    public void TryReadAcks_PartialPayload_AsksForMore()
    {
        byte[] payload = Request(9, 1, "transactional-producer");
        var header = RequestHeader.Read(new ReadOnlySequence<byte>(payload));

        Assert.False(ProduceRequestReader.TryReadAcks(new ReadOnlySequence<byte>(payload, 0, 20), isComplete: false, header, out _));
    }

    [Fact]
    public void TryReadAcks_CompleteButTruncated_IsAProtocolError()
    {
        byte[] payload = Request(9, 1, "transactional-producer")[..20];
        var header = RequestHeader.Read(new ReadOnlySequence<byte>(payload));

        Assert.Throws<KafkaProxy.Protocol.Primitives.KafkaProtocolException>(() => ProduceRequestReader.TryReadAcks(new ReadOnlySequence<byte>(payload), isComplete: true, header, out _));
    }
}
