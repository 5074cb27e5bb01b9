using System.Net;
using Microsoft.Extensions.Logging;

namespace KafkaProxy.Core.Proxy;

internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Listening on {LocalEndPoint} for broker {Upstream}, advertised as {Advertised}")]
    public static partial void ListenerStarted(ILogger logger, string localEndPoint, string upstream, string advertised);

    [LoggerMessage(1002, LogLevel.Information, "Started a dynamic listener on {LocalEndPoint} for discovered broker {Upstream} (node {NodeId}), advertised as {Advertised}")]
    public static partial void DynamicListenerStarted(ILogger logger, string localEndPoint, string upstream, int nodeId, string advertised);

    [LoggerMessage(1003, LogLevel.Debug, "Connection {ConnectionId} from {Remote} to broker {Upstream} opened")]
    // The address is formatted only when the line is written: at the default level, never.
    public static partial void ConnectionOpened(ILogger logger, long connectionId, EndPoint? remote, string upstream);

    [LoggerMessage(1004, LogLevel.Debug, "Connection {ConnectionId} to broker {Upstream} closed")]
    public static partial void ConnectionClosed(ILogger logger, long connectionId, string upstream);

    [LoggerMessage(1005, LogLevel.Warning, "Connection {ConnectionId} to broker {Upstream} closed: {Reason}")]
    public static partial void ConnectionFailed(ILogger logger, long connectionId, string upstream, string reason);

    [LoggerMessage(1006, LogLevel.Warning, "Connection {ConnectionId}: could not reach broker {Upstream} at {Dial}: {Reason}")]
    public static partial void DialFailed(ILogger logger, long connectionId, string upstream, string dial, string reason);

    [LoggerMessage(1007, LogLevel.Warning, "Refused a connection to {LocalEndPoint}: {Open} client connections are open, the limit (MaxConnections) is {Limit}")]
    public static partial void ConnectionRefused(ILogger logger, string? localEndPoint, int open, int limit);

    [LoggerMessage(1008, LogLevel.Error, "Connection {ConnectionId} to broker {Upstream} failed unexpectedly")]
    public static partial void ConnectionCrashed(ILogger logger, Exception exception, long connectionId, string upstream);

    [LoggerMessage(1009, LogLevel.Error, "The listener on {LocalEndPoint} stopped accepting for good and is closed; readiness fails until the proxy restarts")]
    public static partial void AcceptFailed(ILogger logger, Exception exception, string localEndPoint);

    [LoggerMessage(1010, LogLevel.Information, "Stopping: listeners closed, draining {Connections} connections for up to {DrainTimeout}")]
    public static partial void Draining(ILogger logger, int connections, TimeSpan drainTimeout);

    [LoggerMessage(1011, LogLevel.Warning, "Drain timeout passed: closing {Connections} connections that still had requests in flight")]
    public static partial void DrainTimedOut(ILogger logger, int connections);

    [LoggerMessage(1012, LogLevel.Error, "Response for an unmapped broker refused: {Reason}")]
    public static partial void UnmappedBroker(ILogger logger, string reason);

    [LoggerMessage(1013, LogLevel.Warning, "Connection {ConnectionId}: {Stage} with broker {Upstream} failed, closing the client connection: {Reason}")]
    public static partial void UpstreamSecurityFailed(ILogger logger, long connectionId, string stage, string upstream, string reason);

    [LoggerMessage(1014, LogLevel.Debug, "Connection {ConnectionId}: re-authenticated with broker {Upstream}")]
    public static partial void Reauthenticated(ILogger logger, long connectionId, string upstream);

    [LoggerMessage(1015, LogLevel.Warning, "Connection {ConnectionId} to broker {Upstream} refused: {Reason}")]
    public static partial void ClientSecurityFailed(ILogger logger, long connectionId, string upstream, string reason);

    [LoggerMessage(1016, LogLevel.Error, "Cannot start a listener for discovered broker {Upstream} (node {NodeId}) on {Address}: {Reason}. Connections whose responses name this broker are closed until one starts; free the address or change DynamicListeners (SequentialMinPort, BindAddress)")]
    public static partial void DynamicListenerFailed(ILogger logger, string upstream, int nodeId, string address, string reason);

    [LoggerMessage(1017, LogLevel.Information, "New settings applied to new and open connections: {Settings}")]
    public static partial void SettingsApplied(ILogger logger, string settings);

    [LoggerMessage(1018, LogLevel.Warning, "Changed settings that need a restart to take effect (until then the running values stay): {Settings}")]
    public static partial void SettingsNeedRestart(ILogger logger, string settings);

    [LoggerMessage(1019, LogLevel.Warning, "Refused a listener for discovered broker {Upstream} (node {NodeId}): {Reason}. Connections whose responses name this broker are closed")]
    public static partial void DynamicListenerRefused(ILogger logger, string upstream, int nodeId, string reason);

    [LoggerMessage(1020, LogLevel.Warning, "The listener on {LocalEndPoint} cannot accept connections: {Reason}. It tries again until descriptors are free (new clients wait meanwhile and readiness fails); each client connection takes two")]
    public static partial void AcceptPaused(ILogger logger, string localEndPoint, string reason);

    [LoggerMessage(1021, LogLevel.Information, "The listener on {LocalEndPoint} accepts connections again")]
    public static partial void AcceptResumed(ILogger logger, string localEndPoint);

    [LoggerMessage(1022, LogLevel.Warning, "{Setting} is {Configured}, but this process may open {Limit} file descriptors (RLIMIT_NOFILE; {Open} open now) and each client connection takes two: accepting at most {Effective}. Raise the limit (ulimit -n, systemd LimitNOFILE, docker --ulimit nofile) or lower {Setting}")]
    public static partial void MaxConnectionsLowered(ILogger logger, string setting, int configured, long limit, long open, int effective);

    [LoggerMessage(1023, LogLevel.Warning, "Connection {ConnectionId} refused by SNI routing: {Reason}")]
    public static partial void SniRefused(ILogger logger, long connectionId, string reason);

    [LoggerMessage(1024, LogLevel.Information, "SNI routing: node {NodeId} is broker {Upstream}, advertised as {Advertised} ({Change})")]
    public static partial void SniNodeLearned(ILogger logger, int nodeId, string upstream, string advertised, string change);

    [LoggerMessage(1031, LogLevel.Debug, "Connection {ConnectionId} to broker {Broker}: filter '{Filter}' failed; its exception follows")]
    public static partial void FilterFailed(ILogger logger, long connectionId, string broker, string filter, Exception? exception);

    [LoggerMessage(1030, LogLevel.Debug, "Connection {ConnectionId} to broker {Broker}: filter '{Filter}' refused api key {ApiKey} v{ApiVersion}: {Reason}")]
    public static partial void RequestRefusedByFilter(ILogger logger, long connectionId, string broker, string filter, short apiKey, short apiVersion, string reason);

    [LoggerMessage(1035, LogLevel.Warning, "Refused a client of the shared SNI listener on {LocalEndPoint}: {Reason}")]
    public static partial void SharedSniRefused(ILogger logger, string localEndPoint, string reason);

    [LoggerMessage(1036, LogLevel.Debug, "Connection {ConnectionId} to broker {Broker}: a Fetch response streamed to the client lost node endpoints (KIP-951) ({Reason}: their rewritten addresses did not fit in the broker's bytes, or its tagged fields were longer than 64 KiB); the client asks for Metadata instead. Logged once per connection; proxy_node_endpoints_dropped_total counts such responses")]
    public static partial void NodeEndpointsDropped(ILogger logger, long connectionId, string broker, string reason);

    [LoggerMessage(1037, LogLevel.Warning, "In-kernel forwarding is off for this process: the kernel refused to splice a socket ({Reason}). Big frames are copied through the proxy's memory instead, as on other systems; nothing is lost, but the proxy uses more CPU per byte. Set KafkaProxy:ForwardInKernel to false (--in-kernel-forwarding-disable) to skip the attempt")]
    public static partial void SpliceUnsupported(ILogger logger, string reason);
}
