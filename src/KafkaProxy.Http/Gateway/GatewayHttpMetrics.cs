using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace KafkaProxy.Http.Gateway;

/// <summary>The push endpoints' instruments (meter <c>KafkaProxy.Http</c>); the reason label is a fixed word.</summary>
internal sealed class GatewayHttpMetrics
{
    public const string MeterName = "KafkaProxy.Http";
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _requestDuration;

    public GatewayHttpMetrics(IMeterFactory meterFactory, InProgressBudget budget)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("gateway_in_progress_bytes", () => budget.Held, "By", "Memory held by push requests still being read (bounded by MaxInProgressBytes).");
        _rejected = meter.CreateCounter<long>("gateway_requests_rejected_total", "{request}", "Push requests refused, by reason; they queued nothing.");
        _requestDuration = meter.CreateHistogram<double>("gateway_request_duration_seconds", "s", "Time to answer a push request, by outcome status.");
    }

    public void Rejected(string reason)
    {
        if (_rejected.Enabled)
        {
            _rejected.Add(1, new TagList { { "reason", reason } });
        }
    }

    public void Answered(int statusCode, TimeSpan elapsed)
    {
        if (_requestDuration.Enabled)
        {
            _requestDuration.Record(elapsed.TotalSeconds, new TagList { { "status", StatusLabel(statusCode) } });
        }
    }

    private static string StatusLabel(int statusCode) => statusCode switch
    {
        200 => "200",
        400 => "400",
        401 => "401",
        408 => "408",
        413 => "413",
        415 => "415",
        499 => "499",
        500 => "500",
        502 => "502",
        503 => "503",
        504 => "504",
        _ => "other",
    };
}
