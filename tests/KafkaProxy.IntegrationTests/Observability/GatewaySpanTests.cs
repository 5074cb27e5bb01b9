using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using KafkaProxy.IntegrationTests.Support;

namespace KafkaProxy.IntegrationTests.Observability;

/// <summary>
/// A push request's way through the gateway in spans: the HTTP request's span (ASP.NET Core's) notes that its messages
/// were buffered; the flush that carried them is a span linked to every request in its batch, ended once Kafka
/// acknowledged its last message.
/// </summary>
public sealed class GatewaySpanTests : IDisposable
{
    private readonly DirectoryInfo _spool = Directory.CreateTempSubdirectory("gateway-span-spool-");

    public void Dispose() => _spool.Delete(recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // with the disk spool: the messages reach the buffer from the spool's writer, still linked
    public async Task PushesWaitingForKafka_FlushSpanLinksEveryRequestOfItsBatch_AndEndsAfterTheAcknowledgements(bool spool)
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "KafkaProxy" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var gateway = await RunningGateway.StartAsync(flusher: o =>
        {
            o.FlushInterval = TimeSpan.FromMilliseconds(500);
            o.SpoolDirectory = spool ? _spool.FullName : "";
        });

        // Two requests inside one flush interval: most likely one batch, but the assertions hold for two as well. They carry
        // a W3C traceparent of this test's trace, which tells their spans from other tests' gateways' in this process.
        var trace = ActivityTraceId.CreateRandom();
        var pushes = ((string[])["first", "second"]).Select(text =>
        {
            var request = RunningGateway.PushRequest(RunningGateway.Frame([Encoding.UTF8.GetBytes(text + "-1"), Encoding.UTF8.GetBytes(text + "-2")]), "/?wait=true");
            request.Headers.Add("traceparent", $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            return gateway.Http.SendAsync(request);
        }).ToArray();
        foreach (var response in await Task.WhenAll(pushes))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        var requests = new List<Activity>();
        var flushes = new List<Activity>();
        await Eventually.TrueAsync(() =>
        {
            requests = [.. stopped.Where(a => a.TraceId == trace && a.Source.Name == "Microsoft.AspNetCore" && a.Events.Any(e => e.Name == "kafka_proxy.gateway.buffered"))];
            flushes = [.. stopped.Where(a => a.OperationName == "kafka_proxy.gateway.flush" && a.Links.Any(l => requests.Any(r => r.SpanId == l.Context.SpanId)))];
            return requests.Count == 2 && flushes.Sum(f => (int)f.GetTagItem("messaging.batch.message_count")!) == 4;
        }, () => $"{stopped.Count} spans stopped, {requests.Count} push requests, {flushes.Count} flushes linked to them");

        Assert.All(requests, r => Assert.Contains(flushes, f => f.Links.Any(l => l.Context.SpanId == r.SpanId && l.Context.TraceId == r.TraceId)));
        Assert.All(flushes, f =>
        {
            Assert.Equal(default, f.ParentSpanId);
            Assert.Equal(ActivityStatusCode.Unset, f.Status);
            Assert.Equal("events", f.GetTagItem("messaging.destination.name"));
        });
        Assert.Equal(4, flushes.Sum(f => (int)f.GetTagItem("messaging.batch.message_count")!));
        // The requests waited for Kafka: each was answered after its flush began, and the last answered after every
        // flush linked to it had ended (all acknowledgements in).
        Assert.All(requests, r => Assert.Contains(flushes, f => f.Links.Any(l => l.Context.SpanId == r.SpanId) && f.StartTimeUtc <= r.StartTimeUtc + r.Duration));
        Assert.All(flushes, f => Assert.True(f.StartTimeUtc + f.Duration <= requests.Max(r => r.StartTimeUtc + r.Duration)));
        var buffered = requests[0].Events.Single(e => e.Name == "kafka_proxy.gateway.buffered");
        Assert.Equal(2, buffered.Tags.Single(t => t.Key == "messaging.batch.message_count").Value);
    }
}
