using System.Buffers;
using KafkaProxy.Protocol.Messages.Records;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Messages;

public sealed class RecordBatchReaderTests
{
    // Two record batches (magic 2) as the protocol guide lays them out, the CRC-32C of each computed over the bytes
    // from its attributes to its end.
    internal static readonly byte[] TwoBatches = Hex.Bytes("""
        0000000000000000            // base_offset 0
        00000048                    // batch_length 72 (from partition_leader_epoch to the end)
        ffffffff                    // partition_leader_epoch -1 (a producer's)
        02                          // magic 2
        7d6ed312                    // crc: CRC-32C of the 63 bytes that follow
        0000                        // attributes: no compression, create time, not transactional, not control
        00000001                    // last_offset_delta 1
        0000018f0e4f3a00            // base_timestamp
        0000018f0e4f3a05            // max_timestamp (base + 5)
        0000000000001267            // producer_id 4711
        0002                        // producer_epoch 2
        0000000a                    // base_sequence 10
        00000002                    // records: 2
        12 00 00 00                 //   length 9 (zig-zag), attributes, timestamp_delta 0, offset_delta 0
        02 6b 04 7631 00            //   key "k", value "v1", no headers
        18 00 0a 02                 //   length 12, attributes, timestamp_delta 5, offset_delta 1
        01 04 7632                  //   key null, value "v2"
        02 0268 0278                //   headers: 1, "h" = "x"
        0000000000000002            // base_offset 2
        00000036                    // batch_length 54
        ffffffff                    // partition_leader_epoch -1
        02                          // magic 2
        b24d19d8                    // crc: CRC-32C of the 45 bytes that follow
        0011                        // attributes: gzip (1), transactional (0x10)
        00000000                    // last_offset_delta 0
        0000018f0e4f3b00            // base_timestamp
        0000018f0e4f3b00            // max_timestamp
        0000000000001267            // producer_id 4711
        0002                        // producer_epoch 2
        0000000c                    // base_sequence 12
        00000001                    // records: 1
        1f8b080000                  //   the compressed records (never read)
        """);

    [Fact]
    public void Crc32C_CheckValue_MatchesTheCastagnoliStandard()
    {
        // The standard check value of CRC-32C: the CRC of the ASCII digits 1 to 9.
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0xE3069283u, Crc32C.Compute(ReadOnlySequenceFactory.OneBytePerSegment("123456789"u8.ToArray())));
    }

    [Fact]
    public void Crc32C_WithAPrefix_IsTheCrcOfThePrefixBytesThenTheData()
    {
        byte[] whole = [.. BitConverter.GetBytes(0x0807060504030201UL), .. "123456789"u8.ToArray()];

        Assert.Equal(Crc32C.Compute(whole), Crc32C.Compute(0x0807060504030201UL, "123456789"u8));
        Assert.NotEqual(Crc32C.Compute("123456789"u8), Crc32C.Compute(0UL, "123456789"u8));
    }

    [Fact]
    public void TryReadNext_TwoBatches_ReadsEveryHeaderField()
    {
        var reader = new RecordBatchReader(new ReadOnlySequence<byte>(TwoBatches));

        Assert.True(reader.TryReadNext(out var first, out var firstBytes));
        Assert.Equal(
            new RecordBatchHeader
            {
                BaseOffset = 0,
                BatchLength = 72,
                PartitionLeaderEpoch = -1,
                Magic = 2,
                Crc = 0x7d6ed312,
                Attributes = 0,
                LastOffsetDelta = 1,
                BaseTimestamp = 0x18f0e4f3a00,
                MaxTimestamp = 0x18f0e4f3a05,
                ProducerId = 4711,
                ProducerEpoch = 2,
                BaseSequence = 10,
                RecordCount = 2,
            },
            first);
        Assert.Equal((84, RecordCompression.None, false, false, true), (first.SizeInBytes, first.Compression, first.IsTransactional, first.IsControl, first.IsIdempotent));
        Assert.Equal(84, firstBytes.Length);
        Assert.True(RecordBatchReader.IsCrcValid(first, firstBytes));

        Assert.True(reader.TryReadNext(out var second, out var secondBytes));
        Assert.Equal((2L, 54, 12, 1), (second.BaseOffset, second.BatchLength, second.BaseSequence, second.RecordCount));
        Assert.Equal((RecordCompression.Gzip, true, false), (second.Compression, second.IsTransactional, second.IsControl));
        Assert.True(RecordBatchReader.IsCrcValid(second, secondBytes));

        Assert.False(reader.TryReadNext(out _));
        Assert.False(reader.EndsWithPartialBatch);
        Assert.Equal(TwoBatches.Length, reader.Consumed);
    }

    [Fact]
    public void TryReadNext_SplitIntoSegmentsAnywhere_ReadsTheSameHeadersAndCrcs()
    {
        var expected = ReadAll(new ReadOnlySequence<byte>(TwoBatches));
        for (int cut = 1; cut < TwoBatches.Length; cut++)
        {
            Assert.Equal(expected, ReadAll(ReadOnlySequenceFactory.Split(TwoBatches, cut / 3, cut, cut + 7)));
        }

        Assert.Equal(expected, ReadAll(ReadOnlySequenceFactory.OneBytePerSegment(TwoBatches)));
    }

    [Fact]
    public void TryReadNext_FlippedRecordByte_ReadsTheHeaderButFailsTheCrc()
    {
        byte[] corrupted = TwoBatches.ToArray();
        corrupted[70] ^= 0x01; // inside the first batch's records

        var reader = new RecordBatchReader(new ReadOnlySequence<byte>(corrupted));

        Assert.True(reader.TryReadNext(out var header, out var bytes));
        Assert.False(RecordBatchReader.IsCrcValid(header, bytes));
    }

    [Fact]
    public void TryReadNext_LastBatchCutShort_StopsAndSaysSo()
    {
        // A Fetch response may end inside a batch (the size limit cut it): every prefix either ends on a batch
        // boundary or reports a partial batch, and never throws.
        for (int cut = 0; cut < TwoBatches.Length; cut++)
        {
            var reader = new RecordBatchReader(ReadOnlySequenceFactory.Split(TwoBatches[..cut], cut / 2));
            int batches = 0;
            while (reader.TryReadNext(out _))
            {
                batches++;
            }

            Assert.Equal(cut >= 84 ? 1 : 0, batches);
            Assert.Equal(cut is not (0 or 84), reader.EndsWithPartialBatch);
        }
    }

    [Fact]
    public void TryReadNext_LegacyMagic1Message_ReadsWhatTheFormatHas()
    {
        byte[] messageSet = Hex.Bytes("""
            0000000000000007            // offset 7
            00000018                    // message_size 24
            1a2b3c4d                    // crc (CRC-32 of the rest, not checked here)
            01                          // magic 1
            02                          // attributes: snappy
            0000018f0e4f3a00            // timestamp
            ffffffff                    // key: null
            00000002 7878               // value: 2 bytes (the compressed inner messages)
            """);
        var reader = new RecordBatchReader(new ReadOnlySequence<byte>(messageSet));

        Assert.True(reader.TryReadNext(out var header, out var bytes));
        Assert.Equal((7L, 24, (sbyte)1, 0x1a2b3c4du, RecordCompression.Snappy), (header.BaseOffset, header.BatchLength, header.Magic, header.Crc, header.Compression));
        Assert.Equal((0x18f0e4f3a00L, -1L, (short)-1, -1, -1), (header.BaseTimestamp, header.ProducerId, header.ProducerEpoch, header.BaseSequence, header.RecordCount));
        Assert.False(RecordBatchReader.IsCrcValid(header, bytes)); // only magic 2 batches carry a CRC-32C
        Assert.False(reader.TryReadNext(out _));
    }

    [Theory]
    [InlineData("0000000000000000 00000005 ffffffff 02 00", "record batch length 5 is below the smallest message")]
    [InlineData("0000000000000000 00000010 ffffffff 02 00000000 0000 00000000 00", "record batch length 16 is below the smallest batch")]
    [InlineData("0000000000000000 0000000e ffffffff 07 0000 00000000 00000000", "record batch magic 7 is unknown")]
    public void TryReadNext_MalformedBatch_ThrowsProtocolExceptionWithApiKey(string hex, string reason)
    {
        byte[] data = Hex.Bytes(hex);

        var error = Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new RecordBatchReader(new ReadOnlySequence<byte>(data), apiKey: 0, apiVersion: 9);
            reader.TryReadNext(out _);
        });
        Assert.StartsWith(reason, error.Reason, StringComparison.Ordinal);
        Assert.Equal((0, 9), (error.ApiKey, error.ApiVersion));
    }

    [Fact]
    public void TryReadNext_NegativeRecordCount_ThrowsProtocolException()
    {
        byte[] data = TwoBatches[..84];
        data.AsSpan(57, 4).Fill(0xff); // the record count, after the 57 bytes of the fixed header before it

        Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new RecordBatchReader(new ReadOnlySequence<byte>(data));
            reader.TryReadNext(out _);
        });
    }

    private static List<(RecordBatchHeader Header, bool CrcValid)> ReadAll(ReadOnlySequence<byte> records)
    {
        var reader = new RecordBatchReader(records);
        var headers = new List<(RecordBatchHeader, bool)>();
        while (reader.TryReadNext(out var header, out var bytes))
        {
            headers.Add((header, RecordBatchReader.IsCrcValid(header, bytes)));
        }

        return headers;
    }
}
