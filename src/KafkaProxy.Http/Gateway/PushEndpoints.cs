using System.IO.Pipelines;
using KafkaProxy.Core.Flushing;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KafkaProxy.Http.Gateway;

/// <summary>
/// The push gateway's two endpoints. Checks run cheapest first (token, content type, declared length), then the body is
/// parsed as it arrives, within the memory budget of all requests in progress, and only a body that parsed whole is
/// handed to the flusher, which takes all of it or none. So a request answered with an error has queued nothing, and
/// one answered 200 has queued every message. A body that cannot be read (bad framing, too slow, the client gone) is
/// the client's error: answered with its 4xx when someone is left to hear it, logged once below Warning.
/// </summary>
internal sealed class PushEndpoints(
    BatchingFlusher flusher,
    IOptions<HttpPushOptions> options,
    GatewayHttpMetrics metrics,
    InProgressBudget budget,
    ILoggerFactory loggerFactory,
    TimeProvider time)
{
    public const string TokenHeader = "x-kafka-proxy-token";
    private readonly HttpPushOptions _options = options.Value;
    private readonly AccessToken _token = new(options.Value.Token);
    private readonly ILogger _logger = loggerFactory.CreateLogger(Log.Category);
    private readonly PushLimits _limits = new(
        options.Value.MaxMessageBytes, options.Value.MaxRequestBytes, flusher.Options.MaxBufferedMessages, flusher.Options.MaxBufferedBytes);

    /// <summary><c>POST /</c>: a body of length-prefixed messages for the current topic.</summary>
    public async Task PushAsync(HttpContext context)
    {
        long started = time.GetTimestamp();
        int status = StatusCodes.Status500InternalServerError; // unless set below, the exception escapes and ASP.NET Core answers 500
        PushRejection? rejection = null;
        try
        {
            rejection = CheckRequest(context.Request) ?? await ReadAndEnqueueAsync(context).ConfigureAwait(false);
            if (rejection is not null)
            {
                await RejectAsync(context, rejection).ConfigureAwait(false);
            }

            status = rejection?.StatusCode ?? context.Response.StatusCode;
        }
        catch (Exception ex) when (IsClientGone(ex, context))
        {
            // Gone while its answer was written or awaited: the outcome stands (what was enqueued stays enqueued),
            // only nobody hears it.
            status = rejection?.StatusCode ?? PushRejection.ClientClosedRequest;
        }
        finally
        {
            metrics.Answered(status, time.GetElapsedTime(started));
        }
    }

    /// <summary><c>POST /topic/{topic}</c>: messages accepted from now on go to <c>topic</c>.</summary>
    public async Task SwitchTopicAsync(HttpContext context)
    {
        if (!_token.Matches(context.Request.Headers[TokenHeader]))
        {
            await RejectAsync(context, PushRejection.Unauthorized()).ConfigureAwait(false);
            return;
        }

        string topic = context.Request.RouteValues["topic"] as string ?? "";
        if (!TopicName.IsValid(topic, out string problem))
        {
            await RejectAsync(context, PushRejection.BadTopic(problem)).ConfigureAwait(false);
            return;
        }

        try
        {
            await flusher.SetTopicAsync(topic, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Confluent.Kafka.KafkaException)
        {
            metrics.Rejected("topic_store_failed");
            await PushResponses.Error(context, StatusCodes.Status500InternalServerError,
                $"The new topic could not be stored ({ex.Message}); the topic is still {flusher.CurrentTopic}.").ConfigureAwait(false);
            return;
        }

        await PushResponses.TopicChanged(context, topic).ConfigureAwait(false);
    }

    private PushRejection? CheckRequest(HttpRequest request)
    {
        if (!_token.Matches(request.Headers[TokenHeader]))
        {
            return PushRejection.Unauthorized();
        }

        if (!PushResponses.IsOctetStream(request.ContentType))
        {
            return PushRejection.UnsupportedMediaType(request.ContentType);
        }

        if (request.ContentLength > _options.MaxRequestBytes)
        {
            return PushRejection.RequestTooLarge(_options.MaxRequestBytes);
        }

        // Refuse before reading a body that cannot fit now; the enqueue below checks again, atomically.
        if (flusher.BufferedMessages >= flusher.Options.MaxBufferedMessages
            || flusher.BufferedBytes + (request.ContentLength ?? 0) > flusher.Options.MaxBufferedBytes)
        {
            return PushRejection.BufferFull();
        }

        if (flusher.SpoolIsFull(request.ContentLength ?? 0))
        {
            return PushRejection.SpoolFull();
        }

        return null;
    }

    private async Task<PushRejection?> ReadAndEnqueueAsync(HttpContext context)
    {
        var bodySize = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (bodySize is { IsReadOnly: false })
        {
            bodySize.MaxRequestBodySize = _options.MaxRequestBytes;
        }

        EnqueueResult result;
        int count;
        using (var parser = new LengthPrefixedParser(_limits, budget))
        {
            var rejection = await ReadBodyAsync(context, parser).ConfigureAwait(false);
            if (rejection is not null)
            {
                return rejection;
            }

            count = parser.Messages.Count;
            // With the spool on, this waits until the messages are on disk (with the memory they hold still counted).
            result = await flusher.EnqueueAsync(parser.Messages, trackDelivery: WantsToWait(context.Request)).ConfigureAwait(false);
        }

        switch (result.Status)
        {
            case EnqueueStatus.Accepted:
                break;
            case EnqueueStatus.BufferFull:
                return PushRejection.BufferFull();
            case EnqueueStatus.ExceedsCapacity when flusher.Spool is { } spool:
                return PushRejection.TooLarge(
                    $"The request holds more than the gateway's whole buffer ({flusher.Options.MaxBufferedMessages} messages, {flusher.Options.MaxBufferedBytes} bytes) or half its disk spool ({spool.MaxBytes / 2} bytes, KafkaProxy:Flusher:MaxSpoolBytes): split it.");
            case EnqueueStatus.ExceedsCapacity:
                return PushRejection.ExceedsBuffer(flusher.Options.MaxBufferedMessages, flusher.Options.MaxBufferedBytes);
            case EnqueueStatus.SpoolFull:
                return PushRejection.SpoolFull();
            case EnqueueStatus.SpoolFailed:
                return PushRejection.SpoolFailed();
            default:
                return PushRejection.NotRunning();
        }

        if (result.Delivery is null)
        {
            await PushResponses.MessagesReceived(context, count).ConfigureAwait(false);
        }
        else
        {
            await AnswerWhenDeliveredAsync(context, result.Delivery, count).ConfigureAwait(false);
        }

        return null;
    }

    // Parses the body; a body that cannot be read becomes the rejection that fits, logged here once.
    private async Task<PushRejection?> ReadBodyAsync(HttpContext context, LengthPrefixedParser parser)
    {
        try
        {
            await ParseAsync(context.Request.BodyReader, parser, context.RequestAborted).ConfigureAwait(false);
            return parser.Rejection;
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's verdict on the HTTP framing: bad chunks or a body cut short (400), below MinRequestBodyDataRate
            // (408), too long (413). After a cut-short body Kestrel has closed the connection: the 400 goes unheard.
            var rejection = ex.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => PushRejection.RequestTooLarge(_options.MaxRequestBytes),
                StatusCodes.Status408RequestTimeout => PushRejection.BodyTimeout(),
                _ => PushRejection.BodyUnreadable(ex.StatusCode, ex.Message),
            };
            Log.BodyUnreadable(_logger, context.TraceIdentifier, rejection.StatusCode, parser.Consumed, ex.Message);
            return rejection;
        }
        catch (Exception ex) when (ex is IOException or ConnectionAbortedException
            || (ex is OperationCanceledException && context.RequestAborted.IsCancellationRequested))
        {
            if (ex is ConnectionResetException or ConnectionAbortedException || context.RequestAborted.IsCancellationRequested)
            {
                // Kestrel learns of the reset on its own a moment later; aborting now keeps it from draining a body
                // whose reader the failed read left busy.
                context.Abort();
                Log.ClientClosed(_logger, context.TraceIdentifier, parser.Consumed);
                return PushRejection.ClientClosed();
            }

            // Kestrel reports some framing errors as plain IOExceptions: a chunk size that overflows, for one.
            Log.BodyUnreadable(_logger, context.TraceIdentifier, StatusCodes.Status400BadRequest, parser.Consumed, ex.Message);
            return PushRejection.BodyUnreadable(StatusCodes.Status400BadRequest, ex.Message);
        }
    }

    private static async Task ParseAsync(PipeReader body, LengthPrefixedParser parser, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = read.Buffer;
            var stopped = parser.Parse(buffer);
            if (parser.Rejection is not null)
            {
                body.AdvanceTo(buffer.End);
                return;
            }

            if (read.IsCompleted)
            {
                parser.Complete(buffer.Slice(stopped).Length);
                body.AdvanceTo(buffer.End);
                return;
            }

            body.AdvanceTo(stopped, buffer.End);
        }
    }

    private async Task AnswerWhenDeliveredAsync(HttpContext context, Task<IReadOnlyList<MessageDelivery>> delivery, int count)
    {
        IReadOnlyList<MessageDelivery> deliveries;
        try
        {
            deliveries = await delivery.WaitAsync(_options.WaitTimeout, time, context.RequestAborted).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            metrics.Rejected("delivery_timeout");
            await PushResponses.Error(context, StatusCodes.Status504GatewayTimeout,
                $"Kafka did not acknowledge all {count} messages within {_options.WaitTimeout.TotalSeconds:0.###} s. They stay queued and may still be written: a retry can duplicate them.").ConfigureAwait(false);
            return;
        }

        int failed = 0;
        bool allTimedOut = true;
        string? firstError = null;
        foreach (var d in deliveries)
        {
            if (!d.Succeeded)
            {
                failed++;
                allTimedOut &= d.TimedOut;
                firstError ??= d.Error;
            }
        }

        if (failed == 0)
        {
            await PushResponses.Deliveries(context, StatusCodes.Status200OK, deliveries, null).ConfigureAwait(false);
            return;
        }

        metrics.Rejected(allTimedOut ? "delivery_timeout" : "delivery_failed");
        string error = $"Kafka did not accept {failed} of {count} messages: {firstError}. The others were written; see offsets.";
        await PushResponses.Deliveries(context, allTimedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway, deliveries, error).ConfigureAwait(false);
    }

    private Task RejectAsync(HttpContext context, PushRejection rejection)
    {
        metrics.Rejected(rejection.Reason);
        if (rejection.StatusCode == PushRejection.ClientClosedRequest)
        {
            return Task.CompletedTask;
        }

        TimeSpan? retryAfter = rejection.StatusCode == StatusCodes.Status503ServiceUnavailable ? _options.RetryAfter : null;
        return PushResponses.Error(context, rejection.StatusCode, rejection.Message, retryAfter);
    }

    // ?wait=true, or the Prefer header's "wait" preference (RFC 7240).
    private static bool WantsToWait(HttpRequest request)
    {
        if (request.Query.TryGetValue("wait", out var wait))
        {
            return wait.ToString() is "" or "true" or "1";
        }

        foreach (string? prefer in request.Headers["Prefer"])
        {
            foreach (var part in (prefer ?? "").Split(',', StringSplitOptions.TrimEntries))
            {
                if (part.Equals("wait", StringComparison.OrdinalIgnoreCase) || part.StartsWith("wait=", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsClientGone(Exception ex, HttpContext context) =>
        context.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException;
}
