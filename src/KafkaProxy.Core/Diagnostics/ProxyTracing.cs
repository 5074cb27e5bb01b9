using System.Diagnostics;

namespace KafkaProxy.Core.Diagnostics;

/// <summary>
/// The proxy's and the gateway's spans (activity source <c>KafkaProxy</c>). Nothing is created unless a listener is
/// attached (a host that exports traces): every start is behind <see cref="ActivitySource.HasListeners"/> or returns
/// null, so with tracing off a connection costs what it did before.
/// </summary>
internal static class ProxyTracing
{
    public const string SourceName = "KafkaProxy";

    public static readonly ActivitySource Source = new(SourceName);
}
