using System.Diagnostics.Metrics;

namespace KafkaProxy.Core.Flushing;

/// <summary>
/// The flusher's instruments (meter <c>KafkaProxy.Gateway</c>). Labels are fixed words (reason, trigger), never
/// request data.
/// </summary>
internal sealed class FlusherMetrics
{
    public const string MeterName = "KafkaProxy.Gateway";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _requeued;
    private readonly Counter<long> _flushes;
    private readonly Histogram<double> _deliveryDuration;
    private readonly Counter<long> _replayed;

    public FlusherMetrics(IMeterFactory meterFactory, Func<long> bufferedMessages, Func<long> bufferedBytes, MessageSpool? spool = null)
    {
        var meter = meterFactory.Create(MeterName);
        _accepted = meter.CreateCounter<long>("gateway_messages_accepted_total", "{message}", "Messages accepted into the flusher's buffer.");
        _delivered = meter.CreateCounter<long>("gateway_messages_flushed_total", "{message}", "Messages acknowledged by Kafka.");
        _failed = meter.CreateCounter<long>("gateway_messages_failed_total", "{message}", "Messages Kafka finally refused, or that a shutdown could not deliver; each is logged.");
        _requeued = meter.CreateCounter<long>("gateway_messages_requeued_total", "{message}", "Messages whose delivery timed out and that were queued again.");
        _flushes = meter.CreateCounter<long>("gateway_flushes_total", "{flush}", "Batches handed to Kafka, by trigger (count, time, shutdown).");
        _deliveryDuration = meter.CreateHistogram<double>("gateway_delivery_duration_seconds", "s", "Time from a message accepted to its acknowledgement by Kafka.");
        meter.CreateObservableGauge("gateway_buffered_messages", bufferedMessages, "{message}", "Messages held now: waiting for a flush or in flight to Kafka.");
        meter.CreateObservableGauge("gateway_buffered_bytes", bufferedBytes, "By", "Message bytes held now.");
        _replayed = meter.CreateCounter<long>("gateway_spool_replayed_total", "{message}", "Messages found in the spool at start (not acknowledged before the last run ended) and produced again.");
        if (spool is not null)
        {
            meter.CreateObservableGauge("gateway_spool_bytes", () => spool.Bytes, "By", "Bytes of the spool's segment files, and reserved by requests being written.");
            meter.CreateObservableGauge("gateway_spool_segments", () => spool.Segments, "{segment}", "Segment files in the spool.");
            meter.CreateObservableCounter("gateway_spool_syncs_total", () => spool.Syncs, "{sync}", "fsyncs of spool segments: one per group of requests written together.");
        }
    }

    public void Accepted(int count) => _accepted.Add(count);

    public void Delivered(double seconds)
    {
        _delivered.Add(1);
        _deliveryDuration.Record(seconds);
    }

    public void Failed(long count) => _failed.Add(count);

    public void Replayed(long count) => _replayed.Add(count);

    public void Requeued() => _requeued.Add(1);

    public void Flushed(string trigger) => _flushes.Add(1, new KeyValuePair<string, object?>("trigger", trigger));
}
