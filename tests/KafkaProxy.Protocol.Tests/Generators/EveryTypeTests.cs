using System.Buffers;
using CsCheck;
using KafkaProxy.Protocol.Messages.GeneratorTest;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Tests.Messages;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Generators;

/// <summary>
/// The generator's output for every type and feature of the schema format (Schemas/EveryTypeRequest.json, generated
/// into this test assembly): byte vectors written field by field, and random models in every version.
/// </summary>
public sealed class EveryTypeTests
{
    private static readonly MessageCodec<EveryTypeRequest> Codec = new((Headers.ApiKey)32000, EveryTypeRequest.Read, (m, w, v) => m.Write(w, v));

    private static readonly Guid Id = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");

    private static readonly byte[] V1 = Hex.Bytes("""
        f8                          // int8 -8
        0102                        // int16 258
        ffff                        // uint16 65535 (v1+)
        00000003                    // int32 3
        fffffffe                    // uint32 4294967294
        0000000000000004            // int64 4 (v0-2)
        3fe0000000000000            // float64 0.5
        01                          // bool true
        00112233445566778899aabbccddeeff // uuid
        0001 74                     // text "t" (nullable from v1)
        ffff                        // null_text: null
        00000002 abcd               // bytes
        00000000                    // null_bytes: empty (null only in v3)
        00000001 ee                 // records: 1 byte
        ffffffff                    // null_records: null
        00000007                    // inner.id 7
        00000001 0001 6e            // inner.names ["n"] (v1+)
        00000001 0000000000000009   // longs [9]
        00000000                    // uuids: null, written as empty before v2
        ffffffff                    // flags: null
        00000001 bff0000000000000   // doubles [-1.0]
        00000002 0001 ffff          // shorts [1, 65535]
        00000001                    // items: 1
        0001 6b                     //   key "k"
        ffffffff                    //   value: null
        """);

    private static readonly byte[] V3 = Hex.Bytes("""
        f8 0102 ffff 00000003 fffffffe // int8, int16, uint16, int32, uint32 (no int64 after v2)
        3fe0000000000000            // float64 0.5
        00                          // bool false
        00112233445566778899aabbccddeeff // uuid
        00                          // text: null (compact)
        02 6e                       // null_text "n"
        03 abcd                     // bytes: compact 2+1
        00                          // null_bytes: null (v3)
        02 ee                       // records: compact 1+1
        01                          // null_records: empty
        ffffffff 01 00              // inner: id -1, names [], no tags
        01                          // longs []
        00                          // uuids: null (v2+)
        02 01                       // flags [true]
        01 01                       // doubles [], shorts []
        02                          // items: compact 1+1
        02 6b 01                    //   key "k", value empty
        01 00 04 0000002a           //   tagged fields: 1, tag 0 tagged = 42 (4 bytes)
        07                          // tagged fields: 7, in tag order
        00 02 02 79                 //   tag 0 tagged_text "y"
        03 10 00112233445566778899aabbccddeeff // tag 3 tagged_uuid (v3+)
        04 01 00                    //   tag 4 tagged_bytes: null
        05 05 02 00000001           //   tag 5 tagged_ints [1]
        06 01 00                    //   tag 6 tagged_flag false (its default is true)
        07 01 99                    //   unknown tag 7, kept between the known ones
        c801 07 02 71 ffffffff 00   //   tag 200 tagged_inner: note "q", epoch -1, no tags (deep at its default)
        """);

    [Fact]
    public void ReadV1_ClassicEncodings_ReadEveryTypeAndWriteTheSameBytes()
    {
        var message = Codec.AssertRoundTrip(V1, 1);

        Assert.Equal(((sbyte)-8, (short)258, (ushort)65535, 3, 4294967294u, 4L, 0.5, true), (message.Int8, message.Int16, message.UInt16, message.Int32, message.UInt32, message.Int64, message.Float64, message.Bool));
        Assert.Equal((Id, "t", (string?)null), (message.Uuid, message.Text, message.NullText));
        Assert.Equal([0xab, 0xcd], message.Bytes.ToArray());
        Assert.True(message.NullBytes is { IsEmpty: true });
        Assert.Equal([0xee], message.Records.ToArray());
        Assert.Null(message.NullRecords);
        Assert.Equal((7, "n"), (message.Inner.Id, Assert.Single(message.Inner.Names)));
        Assert.Equal([9L], message.Longs);
        Assert.Empty(message.Uuids!);
        Assert.Null(message.Flags);
        Assert.Equal([-1.0], message.Doubles);
        Assert.Equal([(ushort)1, (ushort)65535], message.Shorts);
        var item = Assert.Single(message.Items);
        Assert.Equal(("k", (ReadOnlyMemory<byte>?)null), (item.Key, item.Value));
    }

    [Fact]
    public void ReadV3_FlexibleWithTags_ReadsKnownTagsInOrderAndKeepsTheUnknownOneBetween()
    {
        var message = Codec.AssertRoundTrip(V3, 3);

        Assert.Equal((false, (string?)null, "n"), (message.Bool, message.Text, message.NullText));
        Assert.Null(message.NullBytes);
        Assert.Null(message.Uuids);
        Assert.Equal([true], message.Flags!);
        Assert.Equal(42, Assert.Single(message.Items).Tagged);
        Assert.Equal(("y", (string?)null, 1.5, Id), (message.TaggedText, message.TaggedNullText, message.TaggedDouble, message.TaggedUuid));
        Assert.Null(message.TaggedBytes);
        Assert.Equal([1], message.TaggedInts);
        Assert.False(message.TaggedFlag);
        Assert.Equal(("q", -1, (sbyte)0), (message.TaggedInner.Note, message.TaggedInner.Epoch, message.TaggedInner.Deep.Level));
        Assert.Equal(7u, Assert.Single(message.UnknownTaggedFields).Tag);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Read_SplitIntoSegmentsAndTruncated_BehavesAsTheWholeVector(short version)
    {
        byte[] vector = version == 1 ? V1 : V3;

        Codec.AssertSplitsDecodeTheSame(vector, version);
        Codec.AssertEveryTruncationThrows(vector, version);
    }

    [Fact]
    public void New_Defaults_AreTheSchemaDefaults()
    {
        var message = new EveryTypeRequest();

        Assert.Equal(((sbyte)-8, (ushort)65535, uint.MaxValue, 0.5, true, string.Empty, (string?)null), (message.Int8, message.UInt16, message.UInt32, message.Float64, message.Bool, message.Text, message.NullText));
        Assert.Equal(("x", 1.5, Guid.Parse("00000000-0000-0000-0000-000000000001"), true, -1), (message.TaggedText, message.TaggedDouble, message.TaggedUuid, message.TaggedFlag, message.TaggedInner.Epoch));
        Assert.Null(message.Flags);
        Assert.True(message.TaggedInner.HasDefaultValues());
    }

    [Fact]
    public void Write_DefaultsInV3_WritesNoTaggedField()
    {
        byte[] body = Codec.Encode(new EveryTypeRequest(), 3);

        Assert.Equal(0, body[^1]); // the top-level tagged section: no field
        Assert.Equal(new EveryTypeRequest().Size(3), body.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Write_NullWhereTheVersionAllowsNone_ThrowsInvalidOperationNamingTheField(short version)
    {
        var nullText = new EveryTypeRequest { Text = null };
        var nullBytes = new EveryTypeRequest { NullBytes = null };

        Assert.Contains("EveryTypeRequest.NullBytes", Assert.Throws<InvalidOperationException>(() => Codec.Encode(nullBytes, version)).Message, StringComparison.Ordinal);
        if (version == 0)
        {
            Assert.Contains("EveryTypeRequest.Text", Assert.Throws<InvalidOperationException>(() => Codec.Encode(nullText, version)).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RoundTrip_RandomModels_EveryVersion_GivesIdenticalBytesAndTheSizeWritten()
    {
        var models = Gen.Short[EveryTypeRequest.LowestSupportedVersion, EveryTypeRequest.HighestSupportedVersion].SelectMany(v =>
        {
            var records = Gen.Byte.Array[0, 20].Null(0.2).Select(b => b is null ? (ReadOnlySequence<byte>?)null : new ReadOnlySequence<byte>(b));
            var bytes = Gen.Byte.Array[0, 20].Select(b => new ReadOnlyMemory<byte>(b));
            var nullableBytes = Gen.Byte.Array[0, 20].Null(v == 3 ? 0.3 : 0.0).Select(b => b is null ? (ReadOnlyMemory<byte>?)null : b);
            var item = Gen.Select(MessageGen.String, Gen.Byte.Array[0, 5].Null(0.3), Gen.Int)
                .Select((key, value, tagged) => new EveryTypeItem { Key = key, Value = value, Tagged = tagged });
            var inner = Gen.Select(Gen.Int, MessageGen.String.List[0, 3]).Select((id, names) => new EveryTypeInner { Id = id, Names = names });
            var taggedInner = Gen.Select(MessageGen.NullableString, Gen.Int, Gen.SByte)
                .Select((note, epoch, level) => new EveryTypeTaggedInner { Note = note, Epoch = epoch, Deep = new EveryTypeDeep { Level = level } });
            var scalars = Gen.Select(Gen.SByte, Gen.Short, Gen.UShort, Gen.Int, Gen.UInt, Gen.Long, Gen.Double, Gen.Bool);
            var texts = Gen.Select(MessageGen.StringNullableIf(v >= 1), MessageGen.NullableString, bytes, nullableBytes, records, records);
            var lists = Gen.Select(Gen.Long.List[0, 3], Gen.Guid.List[0, 2].Null(0.3), Gen.Bool.List[0, 3].Null(0.3), Gen.Double.List[0, 3], Gen.UShort.List[0, 3], item.List[0, 2]);
            var tagged = Gen.Select(MessageGen.String, MessageGen.NullableString, Gen.Double, Gen.Guid, nullableBytes, Gen.Int.List[0, 3], Gen.Bool, taggedInner);
            return Gen.Select(scalars, Gen.Guid, texts, inner, lists, tagged, MessageGen.TagsIf(v >= 2, firstTag: 7), (s, uuid, t, i, l, g, unknown) => (v, new EveryTypeRequest
            {
                Int8 = s.Item1, Int16 = s.Item2, UInt16 = s.Item3, Int32 = s.Item4, UInt32 = s.Item5, Int64 = s.Item6, Float64 = s.Item7, Bool = s.Item8, Uuid = uuid,
                Text = t.Item1, NullText = t.Item2, Bytes = t.Item3, NullBytes = t.Item4, Records = t.Item5 ?? ReadOnlySequence<byte>.Empty, NullRecords = t.Item6,
                Inner = i,
                Longs = l.Item1, Uuids = l.Item2, Flags = l.Item3, Doubles = l.Item4, Shorts = l.Item5, Items = l.Item6,
                TaggedText = g.Item1, TaggedNullText = g.Item2, TaggedDouble = g.Item3, TaggedUuid = g.Item4, TaggedBytes = g.Item5, TaggedInts = g.Item6, TaggedFlag = g.Item7, TaggedInner = g.Item8,
                UnknownTaggedFields = unknown.Where(tag => tag.Tag != 200).ToList(),
            }));
        });

        Codec.AssertRandomRoundTrips(models);
        models.Sample(sample => Assert.Equal(Codec.Encode(sample.Item2, sample.v).Length, sample.Item2.Size(sample.v)), iter: 500, seed: "0N0XIzNsQ0O2");
    }
}
