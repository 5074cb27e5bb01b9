using CsCheck;
using KafkaProxy.Protocol.Messages.Common;

namespace KafkaProxy.Protocol.Tests.Messages;

/// <summary>Generators shared by the message property tests.</summary>
internal static class MessageGen
{
    /// <summary>Strings with one- and multi-byte UTF-8 characters (no lone surrogates, so they round-trip).</summary>
    public static readonly Gen<string> String = Gen.String[Gen.OneOf(Gen.Char.AlphaNumeric, Gen.Char['\u00e0', '\u00ff'], Gen.Char['\u4e00', '\u4e20']), 0, 20];

    public static readonly Gen<string?> NullableString = String.Null();

    /// <summary>Strings that are null now and then only when <paramref name="nullable"/>.</summary>
    public static Gen<string?> StringNullableIf(bool nullable) => String.Null(nullable ? 0.2 : 0.0);

    public static readonly Gen<List<int>> Int32List = Gen.Int.List[0, 5];

    public static readonly Gen<ReadOnlyMemory<byte>> Bytes = Gen.Byte.Array[0, 40].Select(b => new ReadOnlyMemory<byte>(b));

    /// <summary>Unknown tagged fields in ascending tag order, tags from <paramref name="firstTag"/> (some above 127, two varint bytes).</summary>
    public static Gen<List<RawTaggedField>> Tags(uint firstTag = 0) =>
        Gen.Select(Gen.UInt[firstTag, firstTag + 300].HashSet[0, 3], Gen.Byte.Array[0, 12].Array[3])
            .Select((tags, data) => tags.Order().Select((tag, i) => new RawTaggedField(tag, data[i])).ToList());

    /// <summary>Tags only when <paramref name="flexible"/>; a non-flexible version has no tagged sections.</summary>
    public static Gen<List<RawTaggedField>> TagsIf(bool flexible, uint firstTag = 0) => flexible ? Tags(firstTag) : Gen.Const(() => new List<RawTaggedField>());
}
