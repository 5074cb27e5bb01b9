using System.Net;
using System.Text;
using KafkaProxy.IntegrationTests.Support;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.IntegrationTests.Gateway;

/// <summary>
/// Bodies that break off, trickle or carry bad HTTP framing, sent through a raw socket: each is the client's error, so
/// it gets its 4xx when the connection is still there, one log line below Warning without a stack, its status in
/// <c>gateway_request_duration_seconds</c> and its reason in <c>gateway_requests_rejected_total</c>, and queues nothing
/// (issue #21, item 5).
/// </summary>
public sealed class PushBodyErrorTests
{
    private const int BodyUnreadableEvent = 5001;
    private const int ClientClosedEvent = 5002;

    // One whole message, "first", so that a gateway that queued what it had parsed would show it in the read-back.
    private static readonly byte[] First = RunningGateway.Frame([Encoding.UTF8.GetBytes("first")]);

    public static TheoryData<string, int, string, string> UnreadableBodies => new()
    {
        { "chunk size not hex", 400, "malformed", "Bad chunk size data" },
        { "chunk size ffffffffffffffffffff", 400, "malformed", "Bad chunk size data" },
        { "no CRLF after chunk data", 400, "malformed", "Bad chunk suffix" },
        { "body slower than MinRequestBodyDataRate", 408, "body_timeout", "MinRequestBodyDataRate" },
    };

    [Theory]
    [MemberData(nameof(UnreadableBodies))]
    public async Task Push_BodyUnreadable_AnswersItsStatus_LogsOneLine_CountsIt_QueuesNothing(string @case, int status, string reason, string message)
    {
        bool slow = @case.StartsWith("body slower", StringComparison.Ordinal);
        await using var gateway = await RunningGateway.StartAsync(kestrel: slow
            ? k => k.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 1000, gracePeriod: TimeSpan.FromSeconds(2))
            : null);
        using var connection = await RawHttpConnection.ConnectAsync(gateway.Address);

        if (slow)
        {
            // The first message, then nothing more of the 1000 declared bytes: below 1000 bytes/s once the grace period ends.
            await connection.SendTextAsync(RawHttpConnection.PushHead("Content-Length: 1000\r\n"));
            await connection.SendAsync(First);
        }
        else
        {
            await connection.SendTextAsync(RawHttpConnection.PushHead("Transfer-Encoding: chunked\r\n"));
            await connection.SendAsync([.. Encoding.ASCII.GetBytes($"{First.Length:x}\r\n"), .. First]);
            await connection.SendTextAsync(@case switch
            {
                "chunk size not hex" => "\r\nzz\r\n",
                "chunk size ffffffffffffffffffff" => "\r\nffffffffffffffffffff\r\n",
                _ => "XY\r\n0\r\n\r\n",
            });
        }

        var response = await connection.ReadResponseAsync();

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, response.Body, StringComparison.Ordinal);
        await AssertCountedAsync(gateway, status.ToString(System.Globalization.CultureInfo.InvariantCulture), reason, 1);
        await AssertLoggedOnceEachBelowWarningAsync(gateway, BodyUnreadableEvent, 1);
        await AssertQueuedNothingAsync(gateway);
    }

    [Fact]
    public async Task Push_ClientResetsMidBody_LogsOneLineBelowWarning_Counts499_QueuesNothing()
    {
        const int resets = 10;
        await using var gateway = await RunningGateway.StartAsync();

        for (int i = 0; i < resets; i++)
        {
            using var connection = await RawHttpConnection.ConnectAsync(gateway.Address);
            await connection.SendTextAsync(RawHttpConnection.PushHead("Content-Length: 1000\r\nExpect: 100-continue\r\n"));
            await connection.WaitForContinueAsync(); // the gateway is reading the body now
            await connection.SendAsync([.. First, 50, 0, 0, 0, 1, 2, 3]);
            connection.Reset();
        }

        // 499 is nginx's "client closed request": nobody heard an answer.
        await AssertCountedAsync(gateway, "499", "client_closed", resets);
        await AssertLoggedOnceEachBelowWarningAsync(gateway, ClientClosedEvent, resets);
        await AssertQueuedNothingAsync(gateway);
    }

    [Fact]
    public async Task Push_ClientEndsTheStreamBeforeTheDeclaredLength_Counts400_QueuesNothing()
    {
        await using var gateway = await RunningGateway.StartAsync();
        using var connection = await RawHttpConnection.ConnectAsync(gateway.Address);

        await connection.SendTextAsync(RawHttpConnection.PushHead("Content-Length: 1000\r\nExpect: 100-continue\r\n"));
        await connection.WaitForContinueAsync();
        await connection.SendAsync(First);
        connection.EndSending();

        // A body cut short is malformed; Kestrel takes the FIN as the end of the connection, so the 400 goes unheard.
        Assert.True(await connection.IsClosedByServerAsync());
        await AssertCountedAsync(gateway, "400", "malformed", 1);
        await AssertLoggedOnceEachBelowWarningAsync(gateway, BodyUnreadableEvent, 1);
        await AssertQueuedNothingAsync(gateway);
    }

    // The histogram is recorded after the answer is written, so the client can read it first: await the count.
    private static async Task AssertCountedAsync(RunningGateway gateway, string status, string reason, int count)
    {
        await Eventually.TrueAsync(
            () => gateway.Metrics.Count("gateway_request_duration_seconds", "status", status) >= count
                && gateway.Metrics.Sum("gateway_requests_rejected_total", "reason", reason) >= count,
            () => $"expected {count} gateway_request_duration_seconds{{status=\"{status}\"}} and gateway_requests_rejected_total{{reason=\"{reason}\"}}:\n{gateway.Metrics}\n{gateway.Logs}");
        Assert.Equal(count, gateway.Metrics.Count("gateway_request_duration_seconds", "status", status));
        Assert.Equal(count, gateway.Metrics.Sum("gateway_requests_rejected_total", "reason", reason));
        Assert.Equal(0, gateway.Metrics.Count("gateway_request_duration_seconds", "status", "200"));
    }

    private static async Task AssertLoggedOnceEachBelowWarningAsync(RunningGateway gateway, int eventId, int count)
    {
        await Eventually.TrueAsync(() => gateway.Logs.Events.Count(e => e.EventId == eventId) >= count, () => gateway.Logs.ToString());
        Assert.Equal(count, gateway.Logs.Events.Count(e => e.EventId == eventId));
        Assert.All(gateway.Logs.Events.Where(e => e.EventId == eventId), e => Assert.True(e.Level < LogLevel.Warning, $"{e.Level}"));
        Assert.All(
            gateway.Logs.Lines.Where(l => l.Contains($" {eventId} ", StringComparison.Ordinal)),
            l => Assert.DoesNotContain("   at ", l, StringComparison.Ordinal)); // no stack
        Assert.DoesNotContain(gateway.Logs.Events, e => e.Level >= LogLevel.Warning);
    }

    private static async Task AssertQueuedNothingAsync(RunningGateway gateway)
    {
        Assert.Equal(0, gateway.Flusher.BufferedMessages);
        using var after = await gateway.PushAsync([Encoding.UTF8.GetBytes("after")]);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var only = Assert.Single(gateway.ReadBack(RunningGateway.Topic, 1));
        Assert.Equal("after", Encoding.UTF8.GetString(only.Message.Value));
    }
}
