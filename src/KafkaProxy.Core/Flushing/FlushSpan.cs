using System.Diagnostics;
using KafkaProxy.Core.Diagnostics;

namespace KafkaProxy.Core.Flushing;

/// <summary>
/// The span of one flush (<c>kafka_proxy.gateway.flush</c>), made only while traces are exported: from the batch
/// handed to the producer until Kafka acknowledged (or finally refused, or timed out) its last message. A root, linked
/// to the push request of every message in it (the request's span, current when it was accepted), so that a request's
/// trace leads to the flush that carried it and a flush lists the requests it carried.
/// </summary>
internal sealed class FlushSpan
{
    /// <summary>Links beyond this many requests are left out (the batch's message count says how many there were).</summary>
    private const int MaxLinks = 128;

    private readonly Activity _span;
    private int _remaining;
    private int _failed;

    private FlushSpan(Activity span, int messages)
    {
        _span = span;
        _remaining = messages;
    }

    /// <summary>Null without listeners, or for a batch the sampler drops.</summary>
    public static FlushSpan? Start(string trigger, List<PendingMessage> batch)
    {
        if (!ProxyTracing.Source.HasListeners() || batch.Count == 0)
        {
            return null;
        }

        var links = new List<ActivityLink>();
        var seen = new HashSet<ActivitySpanId>();
        foreach (var message in batch)
        {
            if (message.Origin is { } origin && links.Count < MaxLinks && seen.Add(origin.SpanId))
            {
                links.Add(new ActivityLink(origin.Context));
            }
        }

        var previous = Activity.Current;
        Activity.Current = null; // a root: the flush loop's context is not its cause
        var span = ProxyTracing.Source.StartActivity(ProxyTracing.FlushSpan, ActivityKind.Producer, parentContext: default, tags: null, links);
        Activity.Current = previous;
        if (span is null)
        {
            return null;
        }

        span.SetTag("kafka_proxy.gateway.trigger", trigger);
        span.SetTag("messaging.batch.message_count", batch.Count);
        span.SetTag("messaging.destination.name", batch[0].Topic);
        return new FlushSpan(span, batch.Count);
    }

    /// <summary>One message of the batch is done: acknowledged, finally failed, or not handed over (it waits for the next flush).</summary>
    public void Done(bool failed)
    {
        if (failed)
        {
            Interlocked.Increment(ref _failed);
        }

        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            if (_failed > 0)
            {
                _span.SetStatus(ActivityStatusCode.Error, $"{_failed} messages not acknowledged (refused, or timed out and queued again)");
            }

            _span.Stop();
        }
    }
}
