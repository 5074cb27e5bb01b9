using System.Buffers;
using CsCheck;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Messages;

/// <summary>
/// Corrupted input, not just cut short: bytes of a valid encoding replaced, inserted or deleted, and plain random
/// bytes. Reading must fail with <see cref="KafkaProtocolException"/> and nothing else; when it succeeds, the model
/// must encode, and that encoding must be a fixed point (decode and encode again gives the same bytes). It need not
/// equal the corrupted input: a bool byte of 2 reads as true and is written as 1, invalid UTF-8 reads as U+FFFD.
/// </summary>
public sealed class MessageMutationTests
{
    private const string Seed = "0N0XIzNsQ0O2";

    public static TheoryData<string, short> MessagesAndVersions() => ModelCases.NamesAndVersions();

    public static TheoryData<string> Messages() => ModelCases.Names();

    [Theory]
    [MemberData(nameof(MessagesAndVersions))]
    public void Read_MutatedEncoding_ThrowsOnlyProtocolExceptionOrReencodesStably(string message, short version)
    {
        var model = ModelCases.All[message];
        byte[] valid = model.EncodeRich(version);
        var edit = Gen.Select(Gen.Int[0, 2], Gen.Int[0, valid.Length], Gen.Byte);
        Gen.Select(edit.Array[1, 3], Gen.Int[0, int.MaxValue]).Sample((edits, cutSeed) =>
        {
            var bytes = new List<byte>(valid);
            foreach ((int kind, int at, byte value) in edits)
            {
                int position = Math.Min(at, bytes.Count);
                if (kind == 1 || position == bytes.Count)
                {
                    bytes.Insert(position, value);
                }
                else if (kind == 0)
                {
                    bytes[position] = value;
                }
                else
                {
                    bytes.RemoveAt(position);
                }
            }

            AssertSafe(model, bytes.ToArray(), version, cutSeed);
        }, iter: 1_000, seed: Seed);
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Read_RandomBytes_ThrowsOnlyProtocolExceptionOrReencodesStably(string message)
    {
        var model = ModelCases.All[message];
        Gen.Select(Gen.Short[model.Lowest, model.Highest], Gen.Byte.Array[0, 64], Gen.Int[0, int.MaxValue])
            .Sample((version, bytes, cutSeed) => AssertSafe(model, bytes, version, cutSeed), iter: 2_000, seed: Seed);
    }

    [Fact]
    public void Read_MutatedEncoding_RichModelsUseEveryField()
    {
        // The mutations only reach fields the rich models write: check that each latest-version encoding is not
        // trivially short (every array has elements, every flexible struct has an unknown tag).
        foreach (var c in ModelCases.All.Values)
        {
            Assert.True(c.EncodeRich(c.Highest).Length >= 10, $"{c.Name} v{c.Highest} encodes to too few bytes to be worth mutating");
        }
    }

    private static void AssertSafe(IModelCase model, byte[] input, short version, int cutSeed)
    {
        var data = ReadOnlySequenceFactory.Split(input, input.Length == 0 ? 0 : cutSeed % input.Length, input.Length / 2);
        byte[] once;
        try
        {
            once = model.Reencode(data, version, out _);
        }
        catch (KafkaProtocolException)
        {
            return;
        }

        byte[] twice = model.Reencode(new ReadOnlySequence<byte>(once), version, out long remaining);
        Assert.True(remaining == 0, $"{remaining} bytes left after reading back {model.Name} v{version}");
        Assert.Equal(Convert.ToHexString(once), Convert.ToHexString(twice));
    }
}
