using System.Buffers;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Primitives;

public sealed class KafkaReaderTests
{
    [Theory]
    [InlineData("00", 0u)]
    [InlineData("7F", 127u)]
    [InlineData("80 01", 128u)]
    [InlineData("AC 02", 300u)]
    [InlineData("FF FF FF FF 0F", uint.MaxValue)]
    public void ReadUnsignedVarInt_ProtobufVectors_Decode(string hex, uint expected)
    {
        var reader = new KafkaReader(new ReadOnlySequence<byte>(Hex.Bytes(hex)));
        Assert.Equal(expected, reader.ReadUnsignedVarInt());
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData("00", 0)]
    [InlineData("01", -1)]
    [InlineData("02", 1)]
    [InlineData("03", -2)]
    [InlineData("FE FF FF FF 0F", int.MaxValue)]
    [InlineData("FF FF FF FF 0F", int.MinValue)]
    public void ReadVarInt_ZigZagVectors_Decode(string hex, int expected)
    {
        var reader = new KafkaReader(new ReadOnlySequence<byte>(Hex.Bytes(hex)));
        Assert.Equal(expected, reader.ReadVarInt());
    }

    [Fact]
    public void ReadVarLong_TenByteMinimum_Decodes()
    {
        var reader = new KafkaReader(new ReadOnlySequence<byte>(Hex.Bytes("FF FF FF FF FF FF FF FF FF 01")));
        Assert.Equal(long.MinValue, reader.ReadVarLong());
    }

    [Fact]
    public void ReadUnsignedVarInt_SixBytes_IsRejected()
    {
        var error = Assert.Throws<KafkaProtocolException>(() => new KafkaReader(new ReadOnlySequence<byte>(Hex.Bytes("80 80 80 80 80 01"))).ReadUnsignedVarInt());
        Assert.Contains("longer than 5 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadPrimitives_BigEndianAcrossSegments_Decode()
    {
        byte[] data = Hex.Bytes("""
            7F                          // int8 127
            01 02                       // int16 258
            01 02 03 04                 // int32
            01 02 03 04 05 06 07 08     // int64
            3F F0 00 00 00 00 00 00     // float64 1.0
            00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF // uuid
            01                          // bool true
            """);
        var reader = new KafkaReader(ReadOnlySequenceFactory.OneBytePerSegment(data));

        Assert.Equal(127, reader.ReadInt8());
        Assert.Equal(0x0102, reader.ReadInt16());
        Assert.Equal(0x01020304, reader.ReadInt32());
        Assert.Equal(0x0102030405060708, reader.ReadInt64());
        Assert.Equal(1.0, reader.ReadFloat64());
        Assert.Equal(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), reader.ReadUuid());
        Assert.True(reader.ReadBool());
        Assert.True(reader.End);
    }

    [Fact]
    public void ReadString_ClassicCompactAndNull_Decode()
    {
        byte[] data = Hex.Bytes("""
            00 03 61 62 63   // string "abc"
            FF FF            // nullable string: null
            04 78 79 7A      // compact string "xyz" (length + 1)
            00               // compact nullable string: null
            01               // compact string ""
            """);
        var reader = new KafkaReader(new ReadOnlySequence<byte>(data));

        Assert.Equal("abc", reader.ReadString(compact: false));
        Assert.Null(reader.ReadString(compact: false));
        Assert.Equal("xyz", reader.ReadString(compact: true));
        Assert.Null(reader.ReadString(compact: true));
        Assert.Equal(string.Empty, reader.ReadString(compact: true));
    }

    [Fact]
    public void ReadBytesAndArrays_NullForms_ReadAsMinusOne()
    {
        var reader = new KafkaReader(new ReadOnlySequence<byte>(Hex.Bytes("FF FF FF FF  00  FF FF FF FF  00")));
        Assert.Equal(-1, reader.ReadBytesLength(compact: false));
        Assert.Equal(-1, reader.ReadBytesLength(compact: true));
        Assert.Equal(-1, reader.ReadArrayLength(compact: false));
        Assert.Equal(-1, reader.ReadArrayLength(compact: true));
    }

    [Theory]
    [InlineData("7F FF", "string of 32767 bytes is longer")]
    [InlineData("FF FE", "negative")]
    public void ReadString_LengthBeyondData_IsRejectedBeforeAllocating(string hex, string expected)
    {
        var error = Assert.Throws<KafkaProtocolException>(() => new KafkaReader(new ReadOnlySequence<byte>(Hex.Bytes(hex))).ReadString(compact: false));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadArrayLength_HugeCount_IsRejected()
    {
        var error = Assert.Throws<KafkaProtocolException>(() => new KafkaReader(new ReadOnlySequence<byte>(Hex.Bytes("7F FF FF FF 00"))).ReadArrayLength(compact: false));
        Assert.Contains("longer than the 1 bytes left", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SkipTaggedFields_TwoFields_SkipsExactly()
    {
        byte[] data = Hex.Bytes("""
            02          // two tagged fields
            00 02 AA BB // tag 0, size 2
            05 01 CC    // tag 5, size 1
            99          // next field
            """);
        var reader = new KafkaReader(new ReadOnlySequence<byte>(data));

        reader.SkipTaggedFields();

        Assert.Equal(-103, reader.ReadInt8());
    }
}
