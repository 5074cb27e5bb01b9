using KafkaProxy.Core.Proxy;
using KafkaProxy.IntegrationTests.Security;

namespace KafkaProxy.IntegrationTests.Support;

/// <summary>An engine a test started by hand, with what it logged and measured; disposing stops it.</summary>
internal sealed class RunningProxy(ProxyEngine engine, CapturingLoggerProvider logs, MetricCapture metrics) : IAsyncDisposable
{
    public ProxyEngine Engine { get; } = engine;

    public CapturingLoggerProvider Logs { get; } = logs;

    public MetricCapture Metrics { get; } = metrics;

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        Metrics.Dispose();
    }
}
