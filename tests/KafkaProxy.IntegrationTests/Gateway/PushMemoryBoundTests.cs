using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using KafkaProxy.Http.Gateway;
using KafkaProxy.IntegrationTests.Support;

namespace KafkaProxy.IntegrationTests.Gateway;

/// <summary>
/// The memory of request bodies still being read is bounded (<c>MaxInProgressBytes</c>), grows with the bytes that
/// arrived rather than with declared lengths, and parsing stops at the first limit crossed (issue #21, item 6). What the
/// gateway holds is read from its own reservation counter, which every allocation of the parser goes through.
/// </summary>
public sealed class PushMemoryBoundTests
{
    private const int MiB = 1024 * 1024;
    private const int Overhead = LengthPrefixedParser.MessageOverhead;

    [Fact]
    public async Task Push_ConcurrentLargeBodies_StayWithinTheBudget_TheOneBeyondGets503_TheOthersAreWhole()
    {
        // Room for two bodies that have sent their 1 MiB message, not for a third.
        const long budget = (5 * MiB) / 2;
        const long held = MiB + Overhead;
        await using var gateway = await RunningGateway.StartAsync(
            push: o => { o.MaxRequestBytes = budget; o.MaxInProgressBytes = budget; o.RetryAfter = TimeSpan.FromSeconds(2); },
            kestrel: k => k.Limits.MinRequestBodyDataRate = null); // the held bodies wait on purpose
        var messages = Enumerable.Range(0, 3).Select(i => Message(MiB, seed: i)).ToList();
        var connections = new List<RawHttpConnection>();
        Task sendingThird = Task.CompletedTask;
        try
        {
            for (int i = 0; i < 3; i++)
            {
                // Each body: a 1 MiB message, then an empty one whose length prefix is held back.
                var connection = await RawHttpConnection.ConnectAsync(gateway.Address);
                connections.Add(connection);
                await connection.SendTextAsync(RawHttpConnection.PushHead($"Content-Length: {4 + MiB + 4}\r\n"));
                var sending = connection.SendAsync([.. Prefix(MiB), .. messages[i]]);
                if (i == 2)
                {
                    sendingThird = sending; // the gateway refuses it part way
                }
                else
                {
                    await sending;
                    await Eventually.TrueAsync(() => gateway.InProgress.Held == (i + 1) * held, () => $"held {gateway.InProgress.Held}, expected {(i + 1) * held}");
                }
            }

            var refused = await connections[2].ReadResponseAsync();

            Assert.Equal(503, refused.StatusCode);
            Assert.Equal("2", refused.Headers["Retry-After"]);
            Assert.Contains("memory for requests in progress", refused.Body, StringComparison.Ordinal);
            await IgnoringResetAsync(sendingThird);
            await Eventually.TrueAsync(() => gateway.InProgress.Held == 2 * held, () => $"held {gateway.InProgress.Held}");
            Assert.InRange(gateway.InProgress.Peak, 2 * held, budget);

            for (int i = 0; i < 2; i++)
            {
                await connections[i].SendAsync(Prefix(0));
                var accepted = await connections[i].ReadResponseAsync();
                Assert.Equal(200, accepted.StatusCode);
                Assert.Equal("2 messages received", accepted.Body);
            }

            await Eventually.TrueAsync(() => gateway.InProgress.Held == 0, () => $"held {gateway.InProgress.Held}");
            Assert.InRange(gateway.InProgress.Peak, 2 * held, budget);
            var received = gateway.ReadBack(RunningGateway.Topic, 4).Select(r => Convert.ToHexString(r.Message.Value ?? [])).Order();
            var sent = new[] { messages[0], messages[1], [], [] }.Select(Convert.ToHexString).Order();
            Assert.Equal(sent, received);
            Assert.Equal(1, gateway.Metrics.Sum("gateway_requests_rejected_total", "reason", "in_progress_full"));
            Assert.Equal(1, gateway.Metrics.Count("gateway_request_duration_seconds", "status", "503"));
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Push_ManySlowBodies_HoldWhatArrived_NotTheLengthsTheyDeclare()
    {
        const int bodies = 50;
        await using var gateway = await RunningGateway.StartAsync(kestrel: k => k.Limits.MinRequestBodyDataRate = null);
        var connections = new List<RawHttpConnection>();
        try
        {
            for (int i = 0; i < bodies; i++)
            {
                // A body declared 60 MB long whose first message declares 1 MiB; 1000 bytes of it arrive, then nothing.
                var connection = await RawHttpConnection.ConnectAsync(gateway.Address);
                connections.Add(connection);
                await connection.SendTextAsync(RawHttpConnection.PushHead("Content-Length: 60000000\r\n"));
                await connection.SendAsync([.. Prefix(MiB), .. new byte[1000]]);
            }

            // Each holds the least a message grows by and its overhead: 4 KiB, where 1 MiB was declared.
            long expected = bodies * (LengthPrefixedParser.MinGrowth + Overhead);
            await Eventually.TrueAsync(() => gateway.InProgress.Held == expected, () => $"held {gateway.InProgress.Held}, expected {expected}");
            Assert.Equal(expected, gateway.InProgress.Peak);

            connections.ForEach(c => c.Reset());
            await Eventually.TrueAsync(() => gateway.InProgress.Held == 0, () => $"held {gateway.InProgress.Held}");
            await Eventually.TrueAsync(
                () => gateway.Metrics.Count("gateway_request_duration_seconds", "status", "499") == bodies,
                () => gateway.Metrics.ToString());
            Assert.Equal(0, gateway.Flusher.BufferedMessages);
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Push_64MiBOfEmptyMessages_Is413AtTheBuffersMessageLimit_WithoutParsingOn()
    {
        await using var gateway = await RunningGateway.StartAsync();
        int maxMessages = gateway.Flusher.Options.MaxBufferedMessages;
        using var connection = await RawHttpConnection.ConnectAsync(gateway.Address);
        const int length = 64 * MiB;

        await connection.SendTextAsync(RawHttpConnection.PushHead($"Content-Length: {length.ToString(CultureInfo.InvariantCulture)}\r\n"));
        // 16.7 M zero-length messages; the gateway may stop reading (and close) before all of them are sent.
        var sending = SendZerosAsync(connection, length);
        var response = await connection.ReadResponseAsync();

        Assert.Equal(413, response.StatusCode);
        Assert.Contains($"more than the gateway's whole buffer ({maxMessages} messages", response.Body, StringComparison.Ordinal);
        // What a body of empty messages costs is their overheads: the parse stopped at the message past the limit.
        Assert.InRange(gateway.InProgress.Peak, 1, (long)maxMessages * Overhead);
        await Eventually.TrueAsync(() => gateway.InProgress.Held == 0, () => $"held {gateway.InProgress.Held}");
        Assert.Equal(0, gateway.Flusher.BufferedMessages);
        await sending;
        using var after = await gateway.PushAsync([[1, 2, 3]]);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("010203", Convert.ToHexString(Assert.Single(gateway.ReadBack(RunningGateway.Topic, 1)).Message.Value));
    }

    private static async Task SendZerosAsync(RawHttpConnection connection, int length)
    {
        var zeros = new byte[MiB];
        await IgnoringResetAsync(Send());

        async Task Send()
        {
            for (int sent = 0; sent < length; sent += zeros.Length)
            {
                await connection.SendAsync(zeros);
            }
        }
    }

    // A body the gateway refused part way: Kestrel drains the rest for a while, then may close the connection.
    private static async Task IgnoringResetAsync(Task sending)
    {
        try
        {
            await sending;
        }
        catch (System.Net.Sockets.SocketException)
        {
        }
    }

    private static byte[] Prefix(int length)
    {
        var prefix = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)length);
        return prefix;
    }

    private static byte[] Message(int length, int seed)
    {
        var message = new byte[length];
        new Random(seed).NextBytes(message);
        return message;
    }
}
