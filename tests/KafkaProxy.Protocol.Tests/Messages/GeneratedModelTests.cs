using System.Buffers;
using KafkaProxy.Protocol.Primitives;
using KafkaProxy.Protocol.Tests.Support;

namespace KafkaProxy.Protocol.Tests.Messages;

/// <summary>What every generated model must do in every version it supports, checked on the rich instances.</summary>
public sealed class GeneratedModelTests
{
    public static TheoryData<string, short> MessagesAndVersions() => ModelCases.NamesAndVersions();

    public static TheoryData<string> Messages() => ModelCases.Names();

    [Theory]
    [MemberData(nameof(MessagesAndVersions))]
    public void Write_RichModel_WritesExactlyTheBytesSizeCounts(string message, short version)
    {
        var model = ModelCases.All[message];

        Assert.Equal(model.EncodeRich(version).Length, model.SizeOfRich(version));
    }

    [Theory]
    [MemberData(nameof(MessagesAndVersions))]
    public void RoundTrip_RichModelFromSegments_ReadsEveryByteAndWritesTheSame(string message, short version)
    {
        var model = ModelCases.All[message];
        byte[] written = model.EncodeRich(version);

        byte[] again = model.Reencode(ReadOnlySequenceFactory.Split(written, written.Length / 3, 2 * written.Length / 3), version, out long remaining);

        Assert.Equal(0, remaining);
        Assert.Equal(Convert.ToHexString(written), Convert.ToHexString(again));
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void ReadAndWrite_VersionOutsideTheSchema_AreRefused(string message)
    {
        var model = ModelCases.All[message];
        byte[] body = model.EncodeRich(model.Highest);

        foreach (short version in new[] { (short)(model.Lowest - 1), (short)(model.Highest + 1) })
        {
            var error = Assert.Throws<KafkaProtocolException>(() => model.Reencode(new ReadOnlySequence<byte>(body), version, out _));
            Assert.Equal((version, 0L), (error.ApiVersion, error.Offset));
            Assert.Throws<ArgumentOutOfRangeException>(() => model.EncodeRich(version));
            Assert.Throws<ArgumentOutOfRangeException>(() => model.SizeOfRich(version));
        }
    }
}
