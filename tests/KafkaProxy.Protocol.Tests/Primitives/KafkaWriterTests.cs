using System.Buffers;
using CsCheck;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Primitives;

public sealed class KafkaWriterTests
{
    [Fact]
    public void Write_EveryPrimitive_MatchesTheSchemaEncoding()
    {
        var w = new ArrayBufferWriter<byte>();
        w.WriteInt8(-1);
        w.WriteInt16(0x0102);
        w.WriteInt32(-2);
        w.WriteUInt32(0x80000000);
        w.WriteInt64(1);
        w.WriteUnsignedVarInt(300);
        w.WriteVarInt(-2);
        w.WriteVarLong(long.MaxValue);
        w.WriteString("ab", compact: false);
        w.WriteString("ab", compact: true);
        w.WriteString((string?)null, compact: true);
        w.WriteBytes([9], compact: false);
        w.WriteArrayLength(-1, compact: true);

        Assert.Equal(Hex.Bytes("""
            FF                                  // int8 -1
            01 02                               // int16
            FF FF FF FE                         // int32 -2
            80 00 00 00                         // uint32
            00 00 00 00 00 00 00 01             // int64 1
            AC 02                               // unsigned varint 300
            03                                  // varint -2
            FE FF FF FF FF FF FF FF FF 01       // varlong max
            00 02 61 62                         // string
            03 61 62                            // compact string
            00                                  // compact null string
            00 00 00 01 09                      // bytes
            00                                  // compact null array
            """), w.WrittenSpan.ToArray());
    }

    [Fact]
    public void VarInts_RandomValues_RoundTrip()
    {
        Gen.Long.Sample(value =>
        {
            var w = new ArrayBufferWriter<byte>();
            w.WriteVarLong(value);
            w.WriteVarInt((int)value);
            w.WriteUnsignedVarInt((uint)value);
            Assert.Equal(VarInt.SizeOfUnsigned(VarInt.ZigZag((int)value)) + VarInt.SizeOfUnsigned(VarInt.ZigZag(value)) + VarInt.SizeOfUnsigned((uint)value), w.WrittenCount);
            var r = new KafkaReader(ReadOnlySequenceFactory.Split(w.WrittenSpan.ToArray(), 1, 3, 7));
            Assert.Equal(value, r.ReadVarLong());
            Assert.Equal((int)value, r.ReadVarInt());
            Assert.Equal((uint)value, r.ReadUnsignedVarInt());
        }, iter: 20_000, seed: "0N0XIzNsQ0O2");
    }
}
