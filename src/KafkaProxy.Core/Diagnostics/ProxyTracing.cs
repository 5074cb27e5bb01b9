using System.Diagnostics;
using System.Net;

namespace KafkaProxy.Core.Diagnostics;

/// <summary>
/// The proxy's and the gateway's spans (activity source <c>KafkaProxy</c>). Nothing is created unless a listener is
/// attached (a host that exports traces): every start returns null when <see cref="ActivitySource.HasListeners"/> is
/// false, without allocating, so with tracing off a connection costs what it did before.
/// </summary>
/// <remarks>
/// A connection is one span (<c>kafka_proxy.connection</c>, a root: from accept to close, with the close reason), with
/// a child per step before its frames flow: <c>kafka_proxy.client_tls</c>, <c>kafka_proxy.dial</c>,
/// <c>kafka_proxy.upstream_security</c> (TLS and SASL toward the broker) and <c>kafka_proxy.client_auth</c>.
/// </remarks>
internal static class ProxyTracing
{
    public const string SourceName = "KafkaProxy";

    public const string ConnectionSpan = "kafka_proxy.connection";
    public const string ClientTlsSpan = "kafka_proxy.client_tls";
    public const string DialSpan = "kafka_proxy.dial";
    public const string UpstreamSecuritySpan = "kafka_proxy.upstream_security";
    public const string ClientAuthSpan = "kafka_proxy.client_auth";
    public const string FlushSpan = "kafka_proxy.gateway.flush";
    public const string BufferedEvent = "kafka_proxy.gateway.buffered";

    public const string ConnectionIdTag = "kafka_proxy.connection.id";
    public const string BrokerTag = "kafka_proxy.broker";
    public const string CloseReasonTag = "kafka_proxy.close_reason";
    public const string PrincipalTag = "enduser.id";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A connection's span, a root whatever is current; null without listeners.</summary>
    public static Activity? StartConnection(long id, EndPoint? client, string broker)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        // A root: the accept loop's context (if any) is not the connection's cause.
        var previous = Activity.Current;
        Activity.Current = null;
        var span = Source.StartActivity(ConnectionSpan, ActivityKind.Server);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(ConnectionIdTag, id);
            span.SetTag(BrokerTag, broker);
            if (client is IPEndPoint ip)
            {
                span.SetTag("client.address", ip.Address.ToString());
                span.SetTag("client.port", ip.Port);
            }
        }

        if (span is null)
        {
            Activity.Current = previous;
        }

        return span;
    }

    /// <summary>A step of the current connection (a child of its span); null without listeners.</summary>
    public static Activity? StartStep(string name) => Source.StartActivity(name);

    /// <summary>A step failed and its connection ends: the step's status and the connection's close reason say why.</summary>
    public static void StepFailed(Activity? step, string reason)
    {
        if (step is null)
        {
            return;
        }

        step.SetStatus(ActivityStatusCode.Error, reason);
        Closed(step.Parent, reason);
    }

    /// <summary>The connection's close reason: null for an ordinary close (a peer closed, or the proxy stopped).</summary>
    public static void Closed(Activity? connection, string? failure)
    {
        if (connection is null || (failure is null && connection.GetTagItem(CloseReasonTag) is not null))
        {
            // No span, or the reason is already known (a deadline closed it: its pumps then end as if a peer closed).
            return;
        }

        connection.SetTag(CloseReasonTag, failure ?? "closed");
        if (failure is not null)
        {
            connection.SetStatus(ActivityStatusCode.Error, failure);
        }
    }
}
