using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using KafkaProxy.Core.Proxy.Transport;

namespace KafkaProxy.Core.Tests.Proxy.Transport;

public sealed class SocketFrameWriterTests
{
    [Fact]
    public async Task Flush_ReferencesAndOwnBytesInterleaved_ArriveInTheOrderWritten()
    {
        using var pair = await SocketPair.OpenAsync();
        var writer = new SocketFrameWriter(pair.Sender);
        byte[] first = Bytes(1000, seed: 1);
        byte[] second = Bytes(3000, seed: 2);
        var split = ReadOnlySequenceFactory.Split(second, 700, 2000); // three segments, as a pipe hands them over

        writer.WriteReference(new ReadOnlySequence<byte>(first));
        writer.Write(new byte[] { 0xAA, 0xBB });
        writer.WriteReference(split);
        writer.Write(Bytes(5000, seed: 3)); // larger than a block
        await writer.FlushAsync();

        byte[] expected = [.. first, 0xAA, 0xBB, .. second, .. Bytes(5000, seed: 3)];
        Assert.Equal(expected, await pair.ReceiveAsync(expected.Length));
    }

    [Fact]
    public async Task Flush_ManyReferences_AllArriveBeyondTheReferenceLimit()
    {
        // More separate buffers than one send takes by reference: the rest are copied, and the order holds.
        using var pair = await SocketPair.OpenAsync();
        var writer = new SocketFrameWriter(pair.Sender);
        var buffers = Enumerable.Range(0, 300).Select(i => Bytes(17 + i, seed: i)).ToList();
        foreach (var buffer in buffers)
        {
            writer.WriteReference(new ReadOnlySequence<byte>(buffer));
        }

        await writer.FlushAsync();

        byte[] expected = [.. buffers.SelectMany(b => b)];
        Assert.Equal(expected, await pair.ReceiveAsync(expected.Length));
    }

    [Fact]
    public async Task Flush_ABigWriteWhileThePeerDoesNotRead_CompletesOnceItReads()
    {
        // 16 MiB cannot fit the socket buffers: the send stays pending until the peer reads, then completes whole.
        using var pair = await SocketPair.OpenAsync();
        var writer = new SocketFrameWriter(pair.Sender);
        byte[] big = Bytes(16 << 20, seed: 9);
        writer.WriteReference(new ReadOnlySequence<byte>(big));

        var flushing = writer.FlushAsync().AsTask();
        Assert.Equal(big, await pair.ReceiveAsync(big.Length));
        await flushing;

        writer.Write(new byte[] { 1, 2, 3 });
        await writer.FlushAsync();
        Assert.Equal(new byte[] { 1, 2, 3 }, await pair.ReceiveAsync(3));
    }

    [Fact]
    public async Task Flush_PeerClosed_FailsWithASocketErrorAndNothingStaysQueued()
    {
        using var pair = await SocketPair.OpenAsync();
        var writer = new SocketFrameWriter(pair.Sender);
        pair.Receiver.Close();
        byte[] bytes = Bytes(64 * 1024, seed: 4);

        var error = await Record.ExceptionAsync(async () =>
        {
            for (int i = 0; i < 100; i++)
            {
                writer.WriteReference(new ReadOnlySequence<byte>(bytes));
                await writer.FlushAsync();
            }
        });

        Assert.IsType<SocketException>(error);
        writer.Complete();
        Assert.Throws<ObjectDisposedException>(() => writer.GetMemory());
    }

    [Fact]
    public async Task Flush_NothingWritten_SendsNothing()
    {
        using var pair = await SocketPair.OpenAsync();
        var writer = new SocketFrameWriter(pair.Sender);

        var result = await writer.FlushAsync();

        Assert.False(result.IsCompleted);
        writer.Write(new byte[] { 7 });
        await writer.FlushAsync();
        Assert.Equal(new byte[] { 7 }, await pair.ReceiveAsync(1));
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
