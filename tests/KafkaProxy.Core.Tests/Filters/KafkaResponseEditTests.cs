using System.Buffers;
using System.Net;
using System.Text;
using KafkaProxy.Core.Configuration;
using KafkaProxy.Core.Filters;
using Microsoft.Extensions.Time.Testing;

namespace KafkaProxy.Core.Tests.Filters;

public sealed class KafkaResponseEditTests
{
    private static readonly byte[] Header = [0, 0, 0, 7];

    private static KafkaResponse Response(string body, int segments = 1) =>
        new(3, 12, 7, new ReadOnlySequence<byte>(Header), Split(Encoding.ASCII.GetBytes(body), segments), answeredByProxy: false, Info());

    private static KafkaConnectionInfo Info() => new(1, new IPEndPoint(IPAddress.Loopback, 1234), HostPort.Parse("broker:9092"), null);

    private static string Written(KafkaResponse response)
    {
        var output = new ArrayBufferWriter<byte>();
        long length = response.WriteTo(output);
        Assert.Equal(output.WrittenCount, length);
        var frame = output.WrittenSpan;
        Assert.Equal(frame.Length - 4, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(frame));
        Assert.True(frame[4..8].SequenceEqual(Header));
        return Encoding.ASCII.GetString(frame[8..]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void WriteTo_Edits_UntouchedRangesKeptAndReplacementsBetween(int segments)
    {
        var response = Response("0123456789", segments);

        response.Edit(0, 1, "ab"u8);   // grows
        response.Edit(4, 3, "x"u8);    // shrinks
        response.Edit(7, 0, "++"u8);   // inserts
        response.Edit(10, 0, "!"u8);   // appends

        Assert.Equal("ab123x++789!", Written(response));
    }

    [Fact]
    public void Edit_BeforeOrOverAnEarlierEdit_ThrowsNamingTheOffsets()
    {
        var response = Response("0123456789");
        response.Edit(4, 2, "x"u8);

        var before = Assert.Throws<ArgumentException>(() => response.Edit(2, 1, "y"u8));
        Assert.Contains("offset 2", before.Message, StringComparison.Ordinal);
        Assert.Contains("(6)", before.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => response.Edit(5, 1, "y"u8));
        Assert.Throws<ArgumentException>(() => response.Edit(8, 3, "y"u8)); // past the end of the body
        Assert.Throws<ArgumentException>(() => response.Edit(8, -1, "y"u8));
        Assert.Equal("0123x6789", Written(response));
    }

    [Fact]
    public void Replace_AfterEdits_DropsThemAndEditAfterItThrows()
    {
        var response = Response("0123456789");
        response.Edit(0, 1, "x"u8);

        response.Replace("new"u8.ToArray());

        Assert.Throws<InvalidOperationException>(() => response.Edit(0, 1, "y"u8));
        Assert.Equal("new", Written(response));
    }

    [Fact]
    public async Task RunAsync_ALaterFilterWantsTheResponse_SeesTheEarlierEditsAppliedAndCanEditAgain()
    {
        var seen = new List<string>();
        var chains = FilterChains.Create(
        [
            new Editing("first", 3, seen, r => r.Edit(2, 2, "AB"u8)),
            new Editing("not-wanting", 1, seen, _ => throw new InvalidOperationException("never called")),
            new Editing("second", 3, seen, r => r.Edit(0, 1, "zz"u8)),
            new Editing("third", 3, seen, r => r.Replace("gone"u8.ToArray())),
            new Editing("fourth", 3, seen, r => r.Edit(4, 0, "!"u8)),
        ]);
        var response = Response("0123456789", segments: 2);

        await chains.RunAsync(response, new FilterDeadline(new FakeTimeProvider()), TimeSpan.FromSeconds(5));

        Assert.Equal(["first:0123456789", "second:01AB456789", "third:zz1AB456789", "fourth:gone"], seen);
        Assert.Equal("gone!", Written(response));
    }

    [Fact]
    public void Reset_AfterEditsAndAClose_ForgetsThem()
    {
        var response = Response("0123456789");
        response.Edit(0, 1, "x"u8);
        response.CurrentFilter = "closer";
        response.Close("no");

        response.Reset(3, 12, 8, new ReadOnlySequence<byte>(Header), new ReadOnlySequence<byte>("abc"u8.ToArray()), answeredByProxy: true);

        Assert.False(response.HasEdits);
        Assert.Null(response.ClosedBy);
        Assert.Null(response.CloseReason);
        Assert.True(response.AnsweredByProxy);
        Assert.Equal(8, response.CorrelationId);
        Assert.Equal("abc", Written(response));
    }

    // The bytes in this many segments of equal size (the last one shorter).
    private static ReadOnlySequence<byte> Split(byte[] bytes, int segments)
    {
        int size = (bytes.Length + segments - 1) / segments;
        return ReadOnlySequenceFactory.Split(bytes, [.. Enumerable.Range(1, segments - 1).Select(i => i * size)]);
    }

    private sealed class Editing(string name, short apiKey, List<string> seen, Action<KafkaResponse> edit) : IKafkaResponseFilter
    {
        public string Name => name;

        public bool WantsResponse(short key, short apiVersion) => key == apiKey;

        public ValueTask OnResponseAsync(KafkaResponse response, CancellationToken cancellationToken)
        {
            seen.Add($"{name}:{Encoding.ASCII.GetString(response.Body.ToArray())}");
            edit(response);
            return ValueTask.CompletedTask;
        }
    }
}
